import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * A golden transcript: a conversation written the way a content author reads it, run against the real bot.
 *
 *   title: A grandmother says hello
 *   language: zh-CN                           # the language of the conversation (and of the people's phones)
 *   clock: 2026-12-01T10:00:00+08:00        # the bot's clock when the conversation starts
 *   flows: [answer-update, share-update]     # the flows this conversation goes through (checked when it is played)
 *   family: { name: 王家, child: 小明 }
 *   coordinator: { name: 李老师, language: zh-CN, group: 阳光幼儿园 }   # who runs the family's group, when they speak
 *   joined:                                   # people who joined before the conversation starts
 *     - { name: 奶奶, role: caregiver, language: zh-CN, city: 河池, quiet: 22-7 }
 *   conversation:
 *     - 奶奶: 你好                             # what a person types
 *     - bot: 奶奶，您好！我在呢。…             # what the bot answers that person (a list when it says several things)
 *     - 奶奶 taps: 发给他们                     # a button she taps, by its words
 *     - 爸爸 hears: 奶奶说：小明想你了          # what the bot sends someone else meanwhile
 *     - buttons: [发给他们, 不用了]              # the buttons under the last message checked
 *     - clock: +2d                              # time passes (or an absolute date-time): reminders due by then fire
 *     - due: { at: 2026-12-01T10:00:00+08:00, job: checkins.wellbeing-keep-scheduled }
 *                                               # the clock moves to `at` (optional), that recurring job runs, and the
 *                                               # reminders due by then start
 *
 * Every message the bot sends during the conversation must be written down, in order, for each person (a message
 * without words as "(voice message)", "(photo)" or "(video)"). A text
 * ending in "…" only has to begin that way; `{{code.caregiver}}` stands for a fresh invite code of that role.
 * `flows` names every flow started while the conversation plays (not while the people in `joined` join), so that
 * each flow in flows/ is shown working in every shipped language (see flow-coverage.test.ts).
 */
export interface Transcript {
  readonly file: string;
  readonly title: string;
  readonly language: string;
  readonly clock: string;
  readonly flows: readonly string[];
  readonly family: { readonly name: string; readonly child: string; readonly born: string };
  readonly coordinator: { readonly name: string; readonly language: string; readonly group: string } | undefined;
  readonly joined: readonly JoinedPerson[];
  readonly lines: readonly TranscriptLine[];
}

export interface JoinedPerson {
  readonly name: string;
  readonly role: 'parent' | 'caregiver' | 'teacher';
  readonly language: string;
  readonly city: string;
  readonly quiet: string;
  readonly photos: boolean;
}

export type Expected = string | { readonly text: string; readonly buttons?: readonly string[] };

export type TranscriptLine =
  | { readonly kind: 'says'; readonly person: string; readonly text: string }
  | { readonly kind: 'taps'; readonly person: string; readonly label: string }
  | { readonly kind: 'bot'; readonly messages: readonly Expected[] }
  | { readonly kind: 'hears'; readonly person: string; readonly messages: readonly Expected[] }
  | { readonly kind: 'buttons'; readonly labels: readonly string[] }
  | { readonly kind: 'clock'; readonly to: string }
  | { readonly kind: 'due'; readonly job: string; readonly at?: string };

const expectedSchema = z.union([z.string(), z.strictObject({ text: z.string(), buttons: z.array(z.string()).optional() })]);
const expectedListSchema = z.union([expectedSchema.transform((one) => [one]), z.array(expectedSchema).min(1)]);

const fileSchema = z.strictObject({
  title: z.string(),
  language: z.string(),
  clock: z.string(),
  flows: z.array(z.string()).min(1),
  family: z.strictObject({ name: z.string(), child: z.string(), born: z.string().default('2021-05-03') }),
  coordinator: z.strictObject({ name: z.string(), language: z.string(), group: z.string().default('Sunshine kindergarten') }).optional(),
  joined: z
    .array(
      z.strictObject({
        name: z.string().regex(/^\S+$/, 'names have no spaces'),
        role: z.enum(['parent', 'caregiver', 'teacher']),
        language: z.string(),
        city: z.string(),
        quiet: z.string().default('22-7'),
        photos: z.boolean().default(true),
      }),
    )
    .default([]),
  conversation: z.array(z.record(z.string(), z.unknown()).refine((line) => Object.keys(line).length === 1, 'each line has one key')).min(1),
});

export function readTranscript(file: string): Transcript {
  const data = fileSchema.parse(parse(readFileSync(file, 'utf8')));
  return { file, title: data.title, language: data.language, clock: data.clock, flows: data.flows, family: data.family, coordinator: data.coordinator, joined: data.joined, lines: data.conversation.map(lineOf) };
}

function lineOf(line: Record<string, unknown>): TranscriptLine {
  const [key, value] = Object.entries(line)[0]!;
  if (key === 'bot') return { kind: 'bot', messages: expectedListSchema.parse(value) };
  if (key === 'buttons') return { kind: 'buttons', labels: z.array(z.string()).parse(value) };
  if (key === 'clock') return { kind: 'clock', to: z.string().parse(value) };
  if (key === 'due') return { kind: 'due', ...z.strictObject({ job: z.string(), at: z.string().optional() }).parse(value) };
  const [person, verb] = key.split(' ');
  if (verb === undefined) return { kind: 'says', person: person!, text: String(value) };
  if (verb === 'taps') return { kind: 'taps', person: person!, label: String(value) };
  if (verb === 'hears') return { kind: 'hears', person: person!, messages: expectedListSchema.parse(value) };
  throw new Error(`Unknown transcript line "${key}" (use "<name>", "<name> taps", "<name> hears", "bot", "buttons", "clock" or "due")`);
}
