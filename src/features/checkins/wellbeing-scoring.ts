import type { WellbeingInstrument } from './instrument.js';

/**
 * A wellbeing check-in's score: the points of its answers (higher is harder). An item answered by voice has no
 * points: the teacher listens to it instead.
 */
export function scoreWellbeing(instrument: WellbeingInstrument, answers: Readonly<Record<string, string>>): number {
  return instrument.items.reduce((score, item) => score + (instrument.scoring.points[answers[item.id] ?? ''] ?? 0), 0);
}

/**
 * A worsening trend: the score rose at each of the last `rises_in_a_row` check-ins (oldest first in `scores`).
 * One bad month is not a trend; too few check-ins are none either.
 */
export function isWorsening(instrument: WellbeingInstrument, scores: readonly number[]): boolean {
  const rises = instrument.scoring.worsening.rises_in_a_row;
  const recent = scores.slice(-(rises + 1));
  return recent.length === rises + 1 && recent.every((score, index) => index === 0 || score > recent[index - 1]!);
}
