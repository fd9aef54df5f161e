import type { CheckinsActionDeps } from './checkins-ports.js';
import type { FinishedCheckIn } from './check-ins.js';

/** A localised text of an instrument in the reader's language, else English, else whatever it has. */
export function inLanguage(texts: Readonly<Record<string, string>>, locale: string): string {
  return texts[locale] ?? texts.en ?? Object.values(texts)[0] ?? '';
}

/** "2岁半" / "2½ years": how a checklist age is said. */
export function ageLabel(services: Pick<CheckinsActionDeps, 'translate'>, locale: string, months: number): string {
  return services.translate(locale, `checkins:age.m${months}`);
}

/**
 * For each area with a "not yet", its name and the weekly play activities that practise it, one line each:
 * what the reader can do next, never a verdict.
 */
export function playLines(services: Pick<CheckinsActionDeps, 'translate' | 'activities'>, locale: string, finished: FinishedCheckIn): string {
  return finished.result.notYetAreas
    .map((area) => {
      const { name, play } = finished.instrument.areas[area]!;
      const titles = play.map((activityId) => services.activities.curriculum.text(activityId, locale)?.text.title).filter((title): title is string => title !== undefined);
      return services.translate(locale, 'checkins:play_line', { area: inLanguage(name, locale), activities: titles.join(locale.startsWith('zh') ? '、' : ', ') });
    })
    .join('\n');
}
