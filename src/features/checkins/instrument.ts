import { z } from 'zod';

/**
 * A check-in instrument as a data file (instruments/*.yaml): its items per age, the answers, how answers score and
 * what counts as a concern, and where the items come from under which licence. A deployer holding a licence for
 * another instrument adds a file; no code changes.
 */
const localised = z.record(z.string(), z.string().trim().min(1));
const itemId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'item ids are lower-kebab-case');

const itemSchema = z.strictObject({
  id: itemId,
  area: z.string(),
  /** Short enough to be heard as one voice message. */
  ask: localised,
  /** One line: how to try this with the child today. */
  try: localised,
});

export const instrumentSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  version: z.string().min(1),
  title: localised,
  source: z.strictObject({ name: z.string().min(1), url: z.string().url(), evidence: z.string().optional(), translation: z.string().min(1) }),
  licence: z.strictObject({ name: z.string().min(1), check: z.string().min(40, 'write down how the licence was checked: where, when and what it says') }),
  answers: z.array(z.string()).min(2),
  scoring: z.strictObject({
    points: z.record(z.string(), z.number().int().min(0)),
    concern_at: z.number().int().min(1),
    next_step: localised,
  }),
  /** Each area's name, and the weekly play activities (curriculum ids) that practise it. */
  areas: z.record(z.string(), z.strictObject({ name: localised, play: z.array(z.string()).default([]) })),
  ages: z.array(z.strictObject({ months: z.number().int().positive(), items: z.array(itemSchema).min(1) })).min(1),
  worked_examples: z
    .array(
      z.strictObject({
        name: z.string(),
        months: z.number().int().positive(),
        /** Answers by item id; `default` answers every item not named. */
        answers: z.record(z.string(), z.string()),
        expect: z.strictObject({ score: z.number().int(), concern: z.boolean(), not_yet_areas: z.array(z.string()) }),
      }),
    )
    .min(1, 'give at least one worked example from the source, so a test can hold the scoring to it'),
});

export type Instrument = z.infer<typeof instrumentSchema>;
export type InstrumentItem = z.infer<typeof itemSchema>;

/** The items of the age a check-in is for; undefined when the instrument has none for that age. */
export function itemsAt(instrument: Instrument, months: number): readonly InstrumentItem[] | undefined {
  return instrument.ages.find((age) => age.months === months)?.items;
}
