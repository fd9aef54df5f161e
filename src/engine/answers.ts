import { DateTime } from 'luxon';
import type { Choice, InboundContent } from '../core/messages.js';
import { typedChoice } from '../core/typed-choice.js';
import type { AskSpec } from './flow-definition.js';

/** A refusal says why when the person can do something about it: a text longer than the question takes. */
export type AnswerResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly tooLong?: { readonly max: number; readonly length: number } };

/** The longest free-text answer kept when a question sets no `max_length`. */
export const DEFAULT_MAX_TEXT_LENGTH = 500;

/**
 * Turns what a person sent into the value a question asked for, or refuses it.
 * Full-width digits and letters (common on Chinese keyboards) are folded for numbers and dates, so "２" is 2; a text
 * answer keeps what was written (a broadcast's "（12月4日）" stays full-width), and whoever matches it folds it.
 */
export function parseAnswer(ask: AskSpec, choices: readonly Choice[], content: InboundContent): AnswerResult {
  switch (ask.type) {
    case 'choice':
      return mediaAnswer(ask, content) ?? parseChoice(choices, content);
    case 'photo':
      return content.kind === 'photo' ? { ok: true, value: { ...content.media, caption: content.caption ?? null } } : { ok: false };
    case 'voice':
      return content.kind === 'voice' ? { ok: true, value: { ...content.media } } : { ok: false };
    default: {
      const text = content.kind === 'text' ? content.text.trim() : '';
      if (text === '') return { ok: false };
      if (ask.type === 'number') return parseNumber(text.normalize('NFKC'), ask);
      if (ask.type === 'date') return parseDate(text.normalize('NFKC'));
      const max = ask.max_length ?? DEFAULT_MAX_TEXT_LENGTH;
      return text.length <= max ? { ok: true, value: text } : { ok: false, tooLong: { max, length: text.length } };
    }
  }
}

/**
 * Media a choice question accepts (`accept_media`) instead of a tap: the value says what kind it is, since the same
 * variable may hold a choice id instead.
 */
function mediaAnswer(ask: AskSpec, content: InboundContent): AnswerResult | undefined {
  const accepts = (kind: string): boolean => ask.accept_media?.some((accepted) => accepted === kind) ?? false;
  if (content.kind === 'photo' && accepts('photo')) return { ok: true, value: { kind: 'photo', ...content.media, caption: content.caption ?? null } };
  if (content.kind === 'voice' && accepts('voice')) return { ok: true, value: { kind: 'voice', ...content.media, durationSeconds: content.durationSeconds ?? null } };
  return undefined;
}

function parseChoice(choices: readonly Choice[], content: InboundContent): AnswerResult {
  if (content.kind === 'choice') {
    return choices.some((choice) => choice.id === content.choiceId) ? { ok: true, value: content.choiceId } : { ok: false };
  }
  if (content.kind !== 'text') return { ok: false };
  const match = typedChoice(choices, content.text);
  return match ? { ok: true, value: match.id } : { ok: false };
}

function parseNumber(text: string, ask: AskSpec): AnswerResult {
  const value = Number(text.replace(',', '.'));
  if (!Number.isFinite(value)) return { ok: false };
  if (ask.min !== undefined && value < ask.min) return { ok: false };
  if (ask.max !== undefined && value > ask.max) return { ok: false };
  return { ok: true, value };
}

/** Accepts 2021-03-05, 2021/3/5, 2021.3.5 and 2021年3月5日; answers an ISO date. */
function parseDate(text: string): AnswerResult {
  const match = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text);
  if (!match) return { ok: false };
  const date = DateTime.fromObject({ year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) }, { zone: 'utc' });
  return date.isValid ? { ok: true, value: date.toISODate() } : { ok: false };
}
