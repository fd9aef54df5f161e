import { DateTime } from 'luxon';

/** Age bands of the curriculum, by the child's age in whole years (a younger child gets the first, an older one the last). */
export const ageBands = ['2-3', '3-4', '4-5', '5-6'] as const;
export type AgeBand = (typeof ageBands)[number];

/** What one activity says in one language. `{{child}}` in `parent` is the child's name. */
export interface ActivityText {
  readonly title: string;
  readonly why: string;
  readonly steps: readonly string[];
  readonly parent: string;
}

export interface CurriculumLanguage {
  /** The espeak-ng voice that reads this language aloud; absent for languages only ever recorded. */
  readonly speech?: string;
  /** A dialect with no written texts: every activity has a recording instead. */
  readonly audioOnly: boolean;
}

/** A recording shipped with the curriculum (`curriculum/audio/<language>/<activity>.ogg`). */
export interface ShippedRecording {
  readonly path: string;
}

/**
 * The weekly play curriculum, loaded from `curriculum/` (see curriculum-loader.ts): which activity comes in which
 * week of which age band, and what it says in each language.
 */
export class Curriculum {
  constructor(
    private readonly bands: ReadonlyMap<AgeBand, readonly string[]>,
    readonly languages: ReadonlyMap<string, CurriculumLanguage>,
    private readonly texts: ReadonlyMap<string, ReadonlyMap<string, ActivityText>>,
    private readonly recordings: ReadonlyMap<string, ShippedRecording>,
    /** The language whose texts stand in where a reader's own has none. */
    private readonly fallbackLanguage: string,
  ) {}

  /** The band of a child born on `birthDate`, on the day `at`. */
  bandOf(birthDate: Date, at: Date): AgeBand {
    const years = Math.floor(DateTime.fromJSDate(at).diff(DateTime.fromJSDate(birthDate), 'years').years);
    return ageBands[Math.min(Math.max(years - 2, 0), ageBands.length - 1)]!;
  }

  /** The activity of the `index`-th week (0-based) of a band; the band starts over after its last week. */
  activityOf(band: AgeBand, index: number): { activityId: string; week: number } {
    const activities = this.bands.get(band)!;
    const week = index % activities.length;
    return { activityId: activities[week]!, week: week + 1 };
  }

  weeksIn(band: AgeBand): number {
    return this.bands.get(band)!.length;
  }

  activityIds(): string[] {
    return [...this.bands.values()].flat();
  }

  has(activityId: string): boolean {
    return this.activityIds().includes(activityId);
  }

  /** The text in `locale`, or in the fallback language when the curriculum has none in it. */
  text(activityId: string, locale: string): { text: ActivityText; locale: string } | undefined {
    const own = this.texts.get(locale)?.get(activityId);
    if (own) return { text: own, locale };
    const fallback = this.texts.get(this.fallbackLanguage)?.get(activityId);
    return fallback ? { text: fallback, locale: this.fallbackLanguage } : undefined;
  }

  /** The shipped recording of an activity in a language, if a content author added one. */
  recording(activityId: string, locale: string): ShippedRecording | undefined {
    return this.recordings.get(recordingKey(activityId, locale));
  }

  speechVoice(locale: string): string | undefined {
    return this.languages.get(locale)?.speech;
  }
}

export function recordingKey(activityId: string, locale: string): string {
  return `${locale}/${activityId}`;
}
