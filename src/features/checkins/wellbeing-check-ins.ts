import type { AttentionRaiser } from '../../core/attention.js';
import type { Clock } from '../../core/clock.js';
import type { Database } from '../../storage/prisma.js';
import type { WellbeingInstrument, WellbeingItem } from './instrument.js';
import { isWorsening, scoreWellbeing } from './wellbeing-scoring.js';

/** The wellbeing item asked next, and where the person is in the check-in. */
export interface NextWellbeingItem {
  readonly instrument: WellbeingInstrument;
  readonly item: WellbeingItem;
  readonly childName: string;
  readonly number: number;
  readonly count: number;
}

interface OpenWellbeing {
  readonly instrument: WellbeingInstrument;
  readonly answers: Record<string, string>;
  readonly child: { readonly id: string; readonly name: string; readonly familyId: string };
}

/** A monthly check-in's round: each person answers their own, once a month. */
export function wellbeingRound(month: string, personId: string): string {
  return `${month} ${personId}`;
}

/**
 * Monthly wellbeing check-ins (instruments of kind `wellbeing`): a parent about the child, a caregiver about
 * themselves. Each person answers only their own, saved as a check-in like any other; a person who said "don't ask me
 * this" is not asked again. When the scores rise month after month, the family's coordinators and the child's teacher
 * get a needs-attention item with the instrument's suggested next step.
 */
export class WellbeingCheckIns {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    readonly instruments: readonly WellbeingInstrument[],
    private readonly attention: AttentionRaiser,
  ) {}

  /** Starts (or finds) this month's check-in; undefined unless the person is its respondent in the child's family and still wants it. */
  async begin(personId: string, instrumentId: string, childId: string, month: string): Promise<{ checkInId: string; childName: string; intro: Record<string, string> } | undefined> {
    const instrument = this.instruments.find((candidate) => candidate.id === instrumentId);
    if (!instrument || (await this.optedOut(personId, instrumentId))) return undefined;
    const child = await this.db.child.findFirst({ where: { id: childId, family: { members: { some: { personId, role: instrument.respondent } } } }, select: { name: true } });
    if (!child) return undefined;
    const round = wellbeingRound(month, personId);
    const row = await this.db.checkIn.upsert({
      where: { childId_instrumentId_ageMonths_round: { childId, instrumentId, ageMonths: 0, round } },
      create: { childId, respondentId: personId, instrumentId, instrumentVersion: instrument.version, ageMonths: 0, round, startedAt: this.clock.now() },
      update: {},
      select: { id: true, completedAt: true },
    });
    return row.completedAt ? undefined : { checkInId: row.id, childName: child.name, intro: instrument.intro };
  }

  /** The first item without an answer; undefined when all are answered. */
  async next(personId: string, checkInId: string): Promise<NextWellbeingItem | undefined | 'gone'> {
    const open = await this.open(personId, checkInId);
    if (!open) return 'gone';
    const items = open.instrument.items;
    const index = items.findIndex((item) => open.answers[item.id] === undefined);
    return index < 0 ? undefined : { instrument: open.instrument, item: items[index]!, childName: open.child.name, number: index + 1, count: items.length };
  }

  /** Saves one of the instrument's answers to the item asked now. */
  async answer(personId: string, checkInId: string, answer: string): Promise<'saved' | 'gone'> {
    const open = await this.open(personId, checkInId);
    const item = open?.instrument.items.find((candidate) => open.answers[candidate.id] === undefined);
    if (!open || !item || !open.instrument.answers.some((candidate) => candidate.id === answer)) return 'gone';
    await this.db.checkIn.update({ where: { id: checkInId }, data: { answers: { ...open.answers, [item.id]: answer } } });
    return 'saved';
  }

  /** Scores the finished check-in, and raises a needs-attention item when the scores show a worsening trend. */
  async finish(personId: string, checkInId: string, personName: string): Promise<{ score: number; worsening: boolean } | undefined> {
    const open = await this.open(personId, checkInId);
    if (!open || open.instrument.items.some((item) => open.answers[item.id] === undefined)) return undefined;
    const score = scoreWellbeing(open.instrument, open.answers);
    await this.db.checkIn.update({ where: { id: checkInId }, data: { score, concern: false, completedAt: this.clock.now() } });
    const earlier = await this.db.checkIn.findMany({
      where: { respondentId: personId, childId: open.child.id, instrumentId: open.instrument.id, completedAt: { not: null } },
      orderBy: { completedAt: 'asc' },
      select: { id: true, score: true },
    });
    const worsening = isWorsening(open.instrument, earlier.map((row) => row.score ?? 0));
    if (worsening) {
      await this.db.checkIn.update({ where: { id: checkInId }, data: { concern: true } });
      await this.raiseWorsening(open, personId, personName);
    }
    return { score, worsening };
  }

  /** "Don't ask me this": kept, so the monthly job never asks again. */
  async optOut(personId: string, instrumentId: string): Promise<void> {
    await this.db.checkInOptOut.upsert({ where: { personId_instrumentId: { personId, instrumentId } }, create: { personId, instrumentId, createdAt: this.clock.now() }, update: {} });
  }

  async optedOut(personId: string, instrumentId: string): Promise<boolean> {
    return (await this.db.checkInOptOut.count({ where: { personId, instrumentId } })) > 0;
  }

  private async raiseWorsening(open: OpenWellbeing, personId: string, personName: string): Promise<void> {
    const { instrument } = open;
    const perLanguage = (name: string, texts: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(texts).map(([locale, text]) => [`${name}_${locale.replace('-', '_')}`, text]));
    await this.attention.raise({
      kind: `wellbeing_worsening_${instrument.respondent}`,
      familyId: open.child.familyId,
      childId: open.child.id,
      subjectPersonId: personId,
      audience: 'coordinators_and_teachers',
      details: { person_name: personName, child_name: open.child.name, rises: instrument.scoring.worsening.rises_in_a_row, ...perLanguage('next_step', instrument.scoring.next_step) },
      dedupeKey: `wellbeing:${instrument.id}:${personId}:${open.child.id}`,
    });
  }

  /** Only the respondent's own, unfinished check-in of a wellbeing instrument. */
  private async open(personId: string, checkInId: string): Promise<OpenWellbeing | undefined> {
    const row = await this.db.checkIn.findFirst({
      where: { id: checkInId, respondentId: personId, completedAt: null, instrumentId: { in: this.instruments.map((instrument) => instrument.id) } },
      select: { instrumentId: true, answers: true, child: { select: { id: true, name: true, familyId: true } } },
    });
    const instrument = this.instruments.find((candidate) => candidate.id === row?.instrumentId);
    return row && instrument ? { instrument, answers: { ...(row.answers as Record<string, string>) }, child: row.child } : undefined;
  }
}
