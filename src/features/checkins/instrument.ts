import { z } from 'zod';

/**
 * A check-in instrument as a data file (instruments/*.yaml): its items, the answers, how answers score, and where the
 * items come from under which licence. Two kinds: `milestones` (items per checklist age, a concern when enough are
 * "not yet") and `wellbeing` (a short monthly check-in for parents or caregivers, watched for a worsening trend).
 * A deployer holding a licence for another instrument adds a file; no code changes.
 */
const localised = z.record(z.string(), z.string().trim().min(1));
const itemId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'item ids are lower-kebab-case');
const answerId = z.string().regex(/^[a-z][a-z_]*$/, 'answer ids are lower_snake_case, like "not_yet"');

const milestoneItemSchema = z.strictObject({
  id: itemId,
  area: z.string(),
  /** Short enough to be heard as one voice message. */
  ask: localised,
  /** One line: how to try this with the child today. */
  try: localised,
});

const wellbeingItemSchema = z.strictObject({
  id: itemId,
  /** One short spoken question; `{{child_name}}` stands for the child's name. */
  ask: localised,
});

const described = {
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'instrument ids are lower-kebab-case'),
  version: z.string().min(1),
  title: localised,
  source: z
    .strictObject({
      name: z.string().min(1),
      /** Items the project wrote itself have no outside source to link to. */
      own: z.boolean().default(false),
      url: z.string().url().optional(),
      evidence: z.string().optional(),
      translation: z.string().min(1),
    })
    .refine((source) => source.own || source.url !== undefined, { message: 'give the url of the source (or own: true for items the project wrote itself)', path: ['url'] }),
  licence: z.strictObject({ name: z.string().min(1), check: z.string().min(40, 'write down how the licence was checked: where, when and what it says') }),
};

/** Answers by item id; `default` answers every item not named. */
const exampleAnswers = z.record(z.string(), z.string());

const milestoneInstrumentSchema = z.strictObject({
  kind: z.literal('milestones'),
  ...described,
  answers: z.array(answerId).min(2),
  scoring: z.strictObject({
    points: z.record(z.string(), z.number().int().min(0)),
    concern_at: z.number().int().min(1),
    next_step: localised,
  }),
  /** Each area's name, and the weekly play activities (curriculum ids) that practise it. */
  areas: z.record(z.string(), z.strictObject({ name: localised, play: z.array(z.string()).default([]) })),
  ages: z.array(z.strictObject({ months: z.number().int().positive(), items: z.array(milestoneItemSchema).min(1) })).min(1),
  worked_examples: z
    .array(
      z.strictObject({
        name: z.string(),
        months: z.number().int().positive(),
        answers: exampleAnswers,
        expect: z.strictObject({ score: z.number().int(), concern: z.boolean(), not_yet_areas: z.array(z.string()) }),
      }),
    )
    .min(1, 'give at least one worked example from the source, so a test can hold the scoring to it'),
});

const wellbeingInstrumentSchema = z.strictObject({
  kind: z.literal('wellbeing'),
  ...described,
  /** Who is asked: each parent about the child, or each caregiver about themselves. */
  respondent: z.enum(['parent', 'caregiver'], 'respondent is "parent" or "caregiver"'),
  /** Once a month, on this day at this time of the person's own clock (moved past their quiet hours). */
  recurrence: z.strictObject({
    every: z.literal('month', 'wellbeing check-ins come once a month: every: month'),
    day: z.number().int().min(1).max(28, 'day is 1 to 28, so every month has it'),
    at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'at is a local time like "19:30"'),
  }),
  /** Said before the first item: what this is and that it is optional. */
  intro: localised,
  /** Each answer with its button words; points say how much worse (0 = fine). */
  answers: z.array(z.strictObject({ id: answerId, label: localised })).min(2),
  items: z.array(wellbeingItemSchema).min(1).max(5, 'a wellbeing check-in is short: five items at most'),
  scoring: z.strictObject({
    points: z.record(z.string(), z.number().int().min(0)),
    /** A worsening trend: the score rose at this many check-ins in a row. */
    worsening: z.strictObject({ rises_in_a_row: z.number().int().min(1) }),
    /** What the coordinator or teacher could do, per language. */
    next_step: localised,
  }),
  worked_examples: z
    .array(z.strictObject({ name: z.string(), answers: exampleAnswers, expect: z.strictObject({ score: z.number().int() }) }))
    .min(1, 'give at least one worked example, so a test can hold the scoring to it'),
  trend_examples: z
    .array(z.strictObject({ name: z.string(), scores: z.array(z.number().int()).min(1), expect: z.strictObject({ worsening: z.boolean() }) }))
    .min(1, 'give at least one example of scores over months and whether they are a worsening trend'),
});

export const instrumentSchema = z.discriminatedUnion('kind', [milestoneInstrumentSchema, wellbeingInstrumentSchema], {
  error: 'kind is "milestones" (checklist ages) or "wellbeing" (a short monthly check-in)',
});

export type Instrument = z.infer<typeof instrumentSchema>;
export type MilestoneInstrument = z.infer<typeof milestoneInstrumentSchema>;
export type WellbeingInstrument = z.infer<typeof wellbeingInstrumentSchema>;
export type InstrumentItem = z.infer<typeof milestoneItemSchema>;
export type WellbeingItem = z.infer<typeof wellbeingItemSchema>;

/** The items of the age a check-in is for; undefined when the instrument has none for that age. */
export function itemsAt(instrument: MilestoneInstrument, months: number): readonly InstrumentItem[] | undefined {
  return instrument.ages.find((age) => age.months === months)?.items;
}

/** The item ids a check-in asks: a milestone age's, or a wellbeing instrument's (one round each month). */
export function itemIdsOf(instrument: Instrument, months: number): readonly string[] | undefined {
  const items = instrument.kind === 'wellbeing' ? instrument.items : itemsAt(instrument, months);
  return items?.map((item) => item.id);
}
