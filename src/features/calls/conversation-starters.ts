import { DateTime } from 'luxon';
import type { PlanView } from './call-plans.js';
import { formatLocalDay } from '../../core/weeks.js';

export interface StarterContext {
  readonly plan: PlanView;
  readonly locale: string;
  readonly now: Date;
  readonly lastCallAt: Date | null;
  translate(key: string, vars?: Record<string, unknown>): string;
}

/**
 * Something to talk about with the child, or nothing. The nudge shows every sentence the sources give, in order.
 * This is the extension point for what other features know about the child's week — this week's play activity,
 * the last photo sent home: each adds a source to the list the composition root passes to the calls feature.
 */
export type ConversationStarterSource = (context: StarterContext) => Promise<string | undefined>;

export const childAgeStarter: ConversationStarterSource = async ({ plan, now, translate }) => {
  const years = Math.floor(DateTime.fromJSDate(now).diff(DateTime.fromJSDate(plan.child.birthDate), 'years').years);
  return years >= 1 ? translate('calls:starter.age', { child_name: plan.child.name, years }) : undefined;
};

export const lastCallStarter: ConversationStarterSource = async ({ plan, locale, lastCallAt, translate }) => {
  if (!lastCallAt) return undefined;
  return translate('calls:starter.last_call', { when: formatLocalDay(lastCallAt, plan.parent.timeZone, locale) });
};

export const defaultStarterSources: readonly ConversationStarterSource[] = [childAgeStarter, lastCallStarter];

export async function conversationStarter(sources: readonly ConversationStarterSource[], context: StarterContext): Promise<string> {
  const sentences = await Promise.all(sources.map((source) => source(context)));
  // Chinese runs sentences together; a space between them is a stray gap to a Chinese reader.
  const between = /^zh\b/.test(context.locale) ? '' : ' ';
  return sentences.filter((sentence): sentence is string => Boolean(sentence)).join(between);
}
