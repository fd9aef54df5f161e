import type { InstrumentItem, MilestoneInstrument } from './instrument.js';

/** What a completed check-in says, as monitoring: how many points, whether to talk with someone, which areas to play at. */
export interface CheckInResult {
  readonly score: number;
  readonly concern: boolean;
  /** Areas with an item answered with the instrument's "not yet", in the instrument's order: play activities aim at them. */
  readonly notYetAreas: readonly string[];
}

/** The answer that means "the child does not do this yet"; play is suggested for its area. */
export const NOT_YET = 'not_yet';

export function scoreCheckIn(instrument: MilestoneInstrument, items: readonly InstrumentItem[], answers: Readonly<Record<string, string>>): CheckInResult {
  const { points, concern_at: concernAt } = instrument.scoring;
  let score = 0;
  const notYet = new Set<string>();
  for (const item of items) {
    const answer = answers[item.id];
    if (answer === undefined) throw new Error(`item "${item.id}" of ${instrument.id} has no answer yet: only a finished check-in is scored`);
    score += points[answer] ?? 0;
    if (answer === NOT_YET) notYet.add(item.area);
  }
  return { score, concern: score >= concernAt, notYetAreas: Object.keys(instrument.areas).filter((area) => notYet.has(area)) };
}
