import { CronExpressionParser } from 'cron-parser';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { PROACTIVE_KINDS } from '../core/messages.js';
import { conditionProblems, type Condition } from './flow-conditions.js';

/**
 * The shape of a flow file. Flows are data: structure here, words in `locales/<lng>/*.json`
 * (every `text` is an i18next key), behaviour in named actions that features register.
 */

const stepId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'step ids are lower_snake_case');
const varName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'variable names are letters, digits and _');
const textKey = z.string().regex(/^[a-z0-9-]+:[a-zA-Z0-9_.-]+$/, 'text keys look like "namespace:key"');
/** `90s`, `15m`, `2h`, `3d`, `1w`. */
const duration = z.string().regex(/^\d+(s|m|h|d|w)$/, 'durations look like 90s, 15m, 2h, 3d or 1w');
const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'local times look like 19:30');

const choiceSchema = z.strictObject({ id: z.string().min(1).max(64), text: textKey });

const sendSchema = z.strictObject({
  text: textKey.optional(),
  choices: z.array(choiceSchema).min(1).optional(),
  /** Paths relative to the flows directory. */
  photo: z.string().optional(),
  voice: z.string().optional(),
  /** A variable holding a voice file an action prepared (`{ path, fileName, mimeType }` or a platform `{ fileId }`). */
  voice_from: varName.optional(),
});

export const answerTypes = ['text', 'choice', 'number', 'date', 'photo', 'voice'] as const;
/** Media a choice question also takes instead of a tap (a grandmother answers with a voice note). */
export const answerMediaKinds = ['photo', 'voice'] as const;
const resultName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'result names are lower_snake_case, like "nudge_answer"');

const askSchema = z
  .strictObject({
    text: textKey,
    type: z.enum(answerTypes),
    into: varName,
    choices: z.array(choiceSchema).min(1).optional(),
    /** A variable holding `{id, label}` pairs an action computed; labels are shown as they are. */
    choices_from: varName.optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    max_length: z.number().int().positive().optional(),
    /** Said before the question again when an answer does not fit. */
    retry: textKey.optional(),
    timeout: z.strictObject({ after: duration, goto: stepId }).optional(),
    /** Media the question takes besides a tap or a typed choice; the answer is then `{ kind: 'voice', ... }`. */
    accept_media: z.array(z.enum(answerMediaKinds)).min(1, '`accept_media` lists at least one of photo, voice').optional(),
    /** Keeps the answer as a result of the flow under this name (see FlowResult), beyond the session. */
    save: resultName.optional(),
    /** The variable holding the id of the child a kept answer is about. */
    child_from: varName.optional(),
  })
  .refine((ask) => ask.type !== 'choice' || ask.choices || ask.choices_from, {
    message: 'a choice question needs choices or choices_from',
  })
  .refine((ask) => ask.accept_media === undefined || ask.type === 'choice', {
    path: ['accept_media'],
    message: '`accept_media` on a question that is not a choice: only choice questions take media (use type: photo or voice for media alone)',
  })
  .refine((ask) => new Set(ask.accept_media).size === (ask.accept_media?.length ?? 0), {
    path: ['accept_media'],
    message: '`accept_media` names the same kind twice',
  })
  .refine((ask) => ask.child_from === undefined || ask.save !== undefined, {
    path: ['child_from'],
    message: '`child_from` says which child a kept answer is about: it needs `save` on the same question',
  });

const conditionSchema = z.custom<Condition>().superRefine((raw, context) => {
  for (const { at, message } of conditionProblems(raw)) context.addIssue({ code: 'custom', path: [...at], message });
});

const branchCaseSchema = z.strictObject({ if: conditionSchema.optional(), goto: stepId });

const waitSchema = z
  .strictObject({
    for: duration.optional(),
    /** The next occurrence of this time in the person's own time zone. */
    until: localTime.optional(),
    /** Where a message received during the wait goes; without it the wait ignores messages. */
    on_message: stepId.optional(),
    into: varName.optional(),
  })
  .refine((w) => (w.for === undefined) !== (w.until === undefined), { message: 'a wait has either for or until' });

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const stepBase = { id: stepId, next: stepId.optional() };

/** Each kind of step, by the key that names it; a step has exactly one of these keys. */
export const stepKinds = {
  send: z.strictObject({ ...stepBase, send: sendSchema }),
  ask: z.strictObject({ ...stepBase, ask: askSchema }),
  branch: z.strictObject({ ...stepBase, branch: z.array(branchCaseSchema).min(1) }),
  set: z.strictObject({ ...stepBase, set: z.record(varName, scalar) }),
  action: z.strictObject({
    ...stepBase,
    action: z.string().regex(/^[a-z]+\.[a-zA-Z]+$/, 'actions look like "families.redeemInvite"'),
    args: z.record(z.string(), scalar).optional(),
    routes: z.record(z.string(), stepId).optional(),
  }),
  wait: z.strictObject({ ...stepBase, wait: waitSchema }),
  goto: z.strictObject({ id: stepId, goto: stepId }),
  end: z.strictObject({ id: stepId, end: z.union([z.literal(true), z.strictObject({ text: textKey })]) }),
} as const;

export const stepSchema = z.union(Object.values(stepKinds) as unknown as [z.ZodType<StepVariant>, ...z.ZodType<StepVariant>[]]);
type StepVariant = { [K in keyof typeof stepKinds]: z.infer<(typeof stepKinds)[K]> }[keyof typeof stepKinds];

export const triggerSchema = z.union([
  z.strictObject({
    command: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'commands are lowercase, like "help"'),
    /** `interrupt` pauses the current flow and resumes it afterwards; `replace` ends it. */
    mode: z.enum(['replace', 'interrupt']).default('replace'),
  }),
  z.strictObject({ keyword: textKey, mode: z.enum(['replace', 'interrupt']).default('replace') }),
  z.strictObject({ event: z.string().regex(/^[a-z]+\.[a-z_]+$/, 'events look like "family.member_joined"') }),
  /**
   * Media, a sticker or a text that no question is waiting for (a grandmother just sends a photo). The message is in
   * the variable `inbound`; the flow runs on top of the current one, which resumes afterwards.
   */
  z.strictObject({ inbound: z.array(z.enum(['photo', 'album', 'video', 'voice', 'sticker', 'text'])).min(1) }),
  /**
   * A command no flow starts ("/frobnicate"): the flow runs on top of the current one, which resumes afterwards (a
   * pending question is asked again). The command's name is in the variable `command`.
   */
  z.strictObject({ unknown_command: z.literal(true) }),
  /** A tapped button whose id is `<choice>:…` (buttons under a relayed photo); the id is in `inbound.choiceId`. */
  z.strictObject({ choice: z.string().regex(/^[a-z][a-z_]{0,15}$/, 'choice prefixes are lowercase, like "update"') }),
  z.strictObject({
    /** Starts the flow for everyone holding one of `roles`, on a cron pattern read in zone `tz`. */
    schedule: z.strictObject({
      cron: z.string().refine(isCronPattern, 'not a cron pattern (e.g. "0 9 * * 1" for Mondays at 09:00)'),
      tz: z.string().refine((zone) => IANAZone.isValidZone(zone), 'not an IANA time zone (e.g. "Asia/Shanghai")').default('UTC'),
      roles: z.array(z.enum(['parent', 'caregiver', 'teacher', 'coordinator'])).min(1),
    }),
  }),
]);

function isCronPattern(pattern: string): boolean {
  try {
    CronExpressionParser.parse(pattern);
    return true;
  } catch {
    return false;
  }
}

export const flowSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'flow ids are lower-kebab-case'),
  description: z.string().optional(),
  /**
   * What the messages this flow sends on the bot's own initiative are (a reminder, a nudge): a channel with a reply
   * window sends them outside it as the template configured for this kind, filled from the flow's variables.
   */
  message_kind: z.enum(PROACTIVE_KINDS).optional(),
  triggers: z.array(triggerSchema).default([]),
  steps: z.array(stepSchema).min(1),
});

export type FlowData = z.infer<typeof flowSchema>;
export type Step = z.infer<typeof stepSchema>;
export type Trigger = z.infer<typeof triggerSchema>;
export type AskSpec = z.infer<typeof askSchema>;
export type WaitSpec = z.infer<typeof waitSchema>;
export type AnswerType = (typeof answerTypes)[number];

/** A validated flow, ready to run. `version` is a hash of the file's content. */
export interface Flow extends FlowData {
  readonly version: string;
  readonly file: string;
  /** Step id → index, for jumps and fall-through. */
  readonly stepIndex: ReadonlyMap<string, number>;
  /** Where each trigger and step starts in the file, for the linter's messages. */
  readonly lines: { readonly triggers: readonly number[]; readonly steps: readonly number[] };
}
