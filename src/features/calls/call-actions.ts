import { DateTime } from 'luxon';
import { actionArgs, defineAction, type ActionResult, type PersonView } from '../../core/flow-action.js';
import type { CallsActionDeps } from './calls-ports.js';
import { childrenOutcome } from '../families/children-in-role.js';
import type { PlanView, Proposal } from './call-plans.js';
import { formatLocalDay, isoWeekOf, weekStartOf, weekStartOfIsoWeek } from '../../core/weeks.js';
import { formatMinute, windowStart, type CallWindow } from './call-windows.js';
import { conversationStarter } from './conversation-starters.js';
import { CALL_EVENTS } from './call-events.js';
import { callPairId } from './call-log.js';

/** "Remind me in 1 hour". */
const SNOOZE_MINUTES = 60;
/** A call logged this recently (by anyone) makes the nudge unnecessary. */
const RECENT_CALL_MS = 12 * 3_600_000;
const MAX_TARGET = 7;

/** Call plans, nudges, the call log and weekly summaries. */
export const callActions = [
  defineAction<CallsActionDeps>({
    name: 'calls.offerPlan',
    outcomes: ['offered', 'not_parent'],
    args: actionArgs(['role']),
    async run({ events }, { person, args }) {
      if (args.role !== 'parent') return { outcome: 'not_parent' };
      await events.publish({ name: CALL_EVENTS.planWanted, personIds: [person.id] });
      return { outcome: 'offered' };
    },
  }),
  defineAction<CallsActionDeps>({
    name: 'calls.findChildren',
    outcomes: ['one', 'several', 'none'],
    async run({ calls }, { person }) {
      return childrenOutcome(await calls.plans.childrenOf(person.id));
    },
  }),
  defineAction<CallsActionDeps>({
    name: 'calls.currentPlan',
    outcomes: ['ok', 'none'],
    args: actionArgs(['child_id']),
    async run({ calls, clock, translate }, { person, args }) {
      const plan = await calls.plans.planOf(person.id, String(args.child_id ?? ''));
      if (!plan) return { outcome: 'none' };
      const say = (key: string, vars?: Record<string, unknown>): string => translate(person.locale, key, vars);
      return { vars: { child_name: plan.child.name, plan_target: plan.targetPerWeek, window_list: windowList(plan, clock.now(), person.locale, say) } };
    },
  }),
  defineAction<CallsActionDeps>({
    name: 'calls.propose',
    outcomes: ['ok', 'no_overlap', 'not_allowed'],
    args: actionArgs(['child_id', 'target']),
    async run({ calls, clock, translate }, { person, args }) {
      const wanted = target(args.target);
      const proposal = await calls.plans.propose(person.id, String(args.child_id ?? ''), wanted);
      return describeProposal(proposal, wanted, person, clock.now(), translate);
    },
  }),
  defineAction<CallsActionDeps>({
    name: 'calls.savePlan',
    outcomes: ['ok', 'no_overlap', 'not_allowed'],
    args: actionArgs(['child_id', 'target']),
    async run({ calls, clock, translate }, { person, args }) {
      const wanted = target(args.target);
      const proposal = await calls.plans.save(person.id, String(args.child_id ?? ''), wanted);
      return describeProposal(proposal, wanted, person, clock.now(), translate);
    },
  }),
  defineAction<CallsActionDeps>({
    name: 'calls.prepareNudge',
    outcomes: ['ok', 'already_talked', 'skipped', 'gone'],
    args: actionArgs(['plan_id']),
    async run(services, { person, args }) {
      const { calls, clock, translate } = services;
      const plan = await parentsOwnPlan(calls, person.id, args.plan_id);
      if (!plan) return { outcome: 'gone' };
      const now = clock.now();
      const week = isoWeekOf(now, plan.parent.timeZone);
      if (plan.skippedWeek === week) return { outcome: 'skipped' };
      const summary = await calls.log.summarize(plan, week);
      if (summary.weekCalls >= plan.targetPerWeek) return { outcome: 'already_talked' };
      if (summary.lastCallAt && now.getTime() - summary.lastCallAt.getTime() < RECENT_CALL_MS) return { outcome: 'already_talked' };
      const say = (key: string, vars?: Record<string, unknown>): string => translate(person.locale, key, vars);
      const starter = await conversationStarter(calls.starters, { plan, locale: person.locale, now, lastCallAt: summary.lastCallAt, translate: say });
      const window = upcomingWindow(plan, now);
      return {
        vars: {
          child_name: plan.child.name,
          window_text: window ? windowLine(window, plan, now, person.locale, say) : say('calls:window_now'),
          starter,
        },
      };
    },
  }),
  defineAction<CallsActionDeps>({
    name: 'calls.logCall',
    outcomes: ['ok', 'not_allowed'],
    args: actionArgs(['plan_id']),
    async run({ calls }, { person, args }) {
      const plan = await calls.plans.planFor(person.id, String(args.plan_id ?? ''));
      if (!plan) return { outcome: 'not_allowed' };
      const { weekCalls } = await calls.log.log(plan, person.id);
      return { vars: { week_calls: weekCalls, target: plan.targetPerWeek, child_name: plan.child.name, parent_name: plan.parent.displayName } };
    },
  }),
  onParentsOwnPlan('calls.snooze', async (calls, plan, person) => {
    const at = await calls.plans.snooze(plan, SNOOZE_MINUTES);
    return { vars: { snooze_time: DateTime.fromJSDate(at, { zone: person.timeZone }).toFormat('HH:mm') } };
  }),
  onParentsOwnPlan('calls.skipWeek', async (calls, plan) => {
    await calls.plans.skipWeek(plan);
    return { vars: { child_name: plan.child.name } };
  }),
  defineAction<CallsActionDeps>({
    name: 'calls.loggablePlans',
    outcomes: ['one', 'several', 'none'],
    async run({ calls }, { person }) {
      const plans = await calls.plans.plansLoggableBy(person.id);
      if (plans.length === 0) return { outcome: 'none' };
      if (plans.length === 1) return { outcome: 'one', vars: { plan_id: plans[0]!.id } };
      return { outcome: 'several', vars: { plan_choices: plans } };
    },
  }),
  defineAction<CallsActionDeps>({
    name: 'calls.pairsWithoutPlan',
    outcomes: ['one', 'several', 'none'],
    async run({ calls }, { person }) {
      const pairs = await calls.log.pairsWithoutPlan(person.id);
      if (pairs.length === 0) return { outcome: 'none' };
      if (pairs.length === 1) return { outcome: 'one', vars: { pair: callPairId(pairs[0]!) } };
      return { outcome: 'several', vars: { pair_choices: pairs.map((pair) => ({ id: callPairId(pair), label: `${pair.parent.displayName} ↔ ${pair.child.name}` })) } };
    },
  }),
  defineAction<CallsActionDeps>({
    name: 'calls.logWithoutPlan',
    outcomes: ['ok', 'not_allowed'],
    args: actionArgs(['pair']),
    async run({ calls }, { person, args }) {
      // Checked again here: the pair comes back from a button, which anyone could forge.
      const pair = (await calls.log.pairsWithoutPlan(person.id)).find((each) => callPairId(each) === String(args.pair ?? ''));
      if (!pair) return { outcome: 'not_allowed' };
      const { weekCalls } = await calls.log.logWithoutPlan(pair, person.id);
      return { vars: { week_calls: weekCalls, child_name: pair.child.name, parent_name: pair.parent.displayName } };
    },
  }),
  defineAction<CallsActionDeps>({
    name: 'calls.weeklySummary',
    outcomes: ['met', 'some', 'none', 'gentle', 'gone'],
    args: actionArgs(['plan_id', 'week']),
    async run({ calls, clock, translate }, { person, args }) {
      const plan = await parentsOwnPlan(calls, person.id, args.plan_id);
      if (!plan) return { outcome: 'gone' };
      const weekStart = weekStartOfIsoWeek(String(args.week ?? ''), plan.parent.timeZone) ?? weekStartOf(clock.now(), plan.parent.timeZone);
      const week = isoWeekOf(weekStart.toJSDate(), plan.parent.timeZone);
      const summary = await calls.log.summarize(plan, week);
      const escalation = await calls.escalation.evaluate(plan, summary.weeksWithoutCall);
      const vars = {
        child_name: plan.child.name,
        week_calls: summary.weekCalls,
        target: summary.target,
        streak: summary.streak,
        weeks: summary.weeksWithoutCall,
        last_call: summary.lastCallAt ? formatLocalDay(summary.lastCallAt, person.timeZone, person.locale) : translate(person.locale, 'calls:never'),
      };
      if (escalation === 'gentle') return { outcome: 'gentle', vars };
      if (summary.weekCalls === 0) return { outcome: 'none', vars };
      return { outcome: summary.weekCalls >= summary.target ? 'met' : 'some', vars };
    },
  }),
];

function target(value: unknown): number {
  const number = Math.round(Number(value));
  return Number.isFinite(number) ? Math.min(Math.max(number, 1), MAX_TARGET) : 1;
}

type Translate = CallsActionDeps['translate'];

function describeProposal(proposal: Proposal | undefined, wanted: number, person: PersonView, now: Date, translate: Translate) {
  if (!proposal) return { outcome: 'not_allowed' as const };
  const say = (key: string, vars?: Record<string, unknown>): string => translate(person.locale, key, vars);
  const vars = {
    child_name: proposal.child.name,
    home_name: proposal.home.displayName,
    home_city: placeOf(proposal.home),
    parent_city: placeOf(proposal.parent),
  };
  if (proposal.windows.length === 0) return { outcome: 'no_overlap' as const, vars };
  const windowCount = proposal.windows.length;
  // Fewer times than asked for are said plainly, never left for the parent to notice.
  const shortfall = windowCount < wanted ? `\n\n${say('calls:fewer_windows', { ...vars, target: wanted, window_count: windowCount })}` : '';
  return { outcome: 'ok' as const, vars: { ...vars, window_count: windowCount, window_list: windowList(proposal, now, person.locale, say), shortfall } };
}

/** One line per window, each in both local times. */
function windowList(plan: Pick<PlanView, 'parent' | 'home' | 'windows'>, now: Date, locale: string, say: (key: string, vars?: Record<string, unknown>) => string): string {
  return plan.windows.map((window) => `• ${windowLine(window, plan, now, locale, say)}`).join('\n');
}

/** "Saturday 10:00–12:00 for you (Milan) · Saturday 17:00–19:00 at home (Hechi)", each on its own clock. */
function windowLine(
  window: CallWindow,
  plan: Pick<PlanView, 'parent' | 'home'>,
  now: Date,
  locale: string,
  say: (key: string, vars?: Record<string, unknown>) => string,
): string {
  const start = windowStart(window, weekStartOf(now, plan.parent.timeZone)).setLocale(locale);
  const end = start.plus({ minutes: window.endMinute - window.startMinute });
  const home = start.setZone(plan.home.timeZone);
  const homeEnd = end.setZone(plan.home.timeZone);
  return say('calls:window_line', {
    parent_day: start.toFormat('cccc'),
    parent_time: `${formatMinute(window.startMinute)}–${formatMinute(window.endMinute)}`,
    parent_city: placeOf(plan.parent),
    home_day: home.toFormat('cccc'),
    home_time: `${home.toFormat('HH:mm')}–${homeEnd.toFormat('HH:mm')}`,
    home_city: placeOf(plan.home),
  });
}

/** The window the nudge is about: the first one opening in the coming two hours. */
function upcomingWindow(plan: PlanView, now: Date): CallWindow | undefined {
  const weekStart = weekStartOf(now, plan.parent.timeZone);
  return plan.windows.find((window) => {
    const opensIn = windowStart(window, weekStart).toMillis() - now.getTime();
    return opensIn >= -30 * 60_000 && opensIn <= 2 * 3_600_000;
  });
}

function placeOf(person: { city: string | null; timeZone: string }): string {
  return person.city ?? person.timeZone.split('/').pop()!.replace(/_/g, ' ');
}

/** The plan, when `personId` is its parent: only they may be nudged about it, snooze it or skip a week. */
async function parentsOwnPlan(calls: CallsActionDeps['calls'], personId: string, planId: unknown) {
  const plan = await calls.plans.planFor(personId, String(planId ?? ''));
  return plan?.parent.id === personId ? plan : undefined;
}

type OwnPlan = NonNullable<Awaited<ReturnType<typeof parentsOwnPlan>>>;

/** An action a parent takes on their own plan: "gone" for anyone else, or for a plan that no longer exists. */
function onParentsOwnPlan(name: string, act: (calls: CallsActionDeps['calls'], plan: OwnPlan, person: PersonView) => Promise<ActionResult>) {
  return defineAction<CallsActionDeps>({
    name,
    outcomes: ['ok', 'gone'],
    args: actionArgs(['plan_id']),
    async run({ calls }, { person, args }) {
      const plan = await parentsOwnPlan(calls, person.id, args.plan_id);
      return plan ? act(calls, plan, person) : { outcome: 'gone' };
    },
  });
}
