import type { DateTime } from 'luxon';
import type { ChildWhereabouts } from '../../core/child-whereabouts.js';
import type { Clock } from '../../core/clock.js';
import type { ReminderRequest, ReminderScheduler } from '../../core/reminders.js';
import type { Database } from '../../storage/prisma.js';
import { childrenInRole } from '../families/children-in-role.js';
import { quietHoursFrom } from '../../core/quiet-hours.js';
import { isoWeekOf, weekStartOf } from '../../core/weeks.js';
import { parseWindows, proposeWindows, windowStart, type CallEnd, type CallWindow } from './call-windows.js';

/** The flows the call plan runs through the scheduler; content authors may reword them, not rename them. */
export const NUDGE_FLOW = 'call-nudge';
export const SUMMARY_FLOW = 'call-summary';
/** Nudges come this long before a window opens. */
const NUDGE_LEAD_MINUTES = 15;
/**
 * How much earlier still a nudge may come when many are due at once (evening windows bunch on the hour): "soon it is a
 * good time to call" reads as well half an hour before the window as a quarter of an hour before it.
 */
const NUDGE_TOLERANCE_SECONDS = 15 * 60;
/** The Sunday summary may come up to half an hour before 20:00: the week is over by then. */
const SUMMARY_TOLERANCE_SECONDS = 30 * 60;
/** "Remind me in 1 hour" may come a few minutes early. */
const SNOOZE_TOLERANCE_SECONDS = 5 * 60;
/** The weekly summary: Sunday evening on the parent's clock. */
const SUMMARY_WEEKDAY = 7;
const SUMMARY_HOUR = 20;

export interface PlanPerson {
  readonly id: string;
  readonly displayName: string;
  readonly timeZone: string;
  readonly city: string | null;
}

/** Both ends of a planned call: the parent away, the child and the adult who is with them at home. */
export interface CallParties {
  readonly familyId: string;
  readonly child: { readonly id: string; readonly name: string; readonly birthDate: Date };
  readonly parent: PlanPerson & CallEnd;
  readonly home: PlanPerson & CallEnd;
}

export interface Proposal extends CallParties {
  readonly windows: readonly CallWindow[];
}

export interface PlanView extends CallParties {
  readonly id: string;
  readonly targetPerWeek: number;
  readonly windows: readonly CallWindow[];
  readonly skippedWeek: string | null;
  readonly escalationLevel: number;
  readonly createdAt: Date;
}

/** What scheduling a plan's coming weeks reads. */
const PLAN_SCHEDULE_FIELDS = { id: true, parentId: true, childId: true, windows: true, parent: { select: { timeZone: true } } } as const;

const PERSON_FIELDS = { id: true, displayName: true, timeZone: true, city: true, quietStartMinute: true, quietEndMinute: true } as const;

/** Call plans: proposing windows that fit both ends, keeping them, and scheduling each week's nudges and summary. */
export class CallPlanService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly reminders: ReminderScheduler,
    private readonly whereabouts: ChildWhereabouts,
  ) {}

  /** The children in families where `personId` is a parent: the only children they may plan calls with. */
  async childrenOf(personId: string): Promise<{ id: string; name: string }[]> {
    return childrenInRole(this.db, personId, ['parent']);
  }

  async propose(parentId: string, childId: string, target: number): Promise<Proposal | undefined> {
    const parties = await this.parties(parentId, childId);
    if (!parties) return undefined;
    return { ...parties, windows: proposeWindows(parties.parent, parties.home, weekStartOf(this.clock.now(), parties.parent.timeZone), target) };
  }

  /** Keeps the proposed windows as the plan and schedules this week; any earlier plan's reminders are cancelled. */
  async save(parentId: string, childId: string, target: number): Promise<Proposal | undefined> {
    const proposal = await this.propose(parentId, childId, target);
    if (!proposal || proposal.windows.length === 0) return proposal;
    const data = { familyId: proposal.familyId, targetPerWeek: target, windows: proposal.windows as object[], skippedWeek: null };
    const plan = await this.db.callPlan.upsert({
      where: { parentId_childId: { parentId, childId } },
      create: { parentId, childId, ...data, createdAt: this.clock.now() },
      update: data,
    });
    await this.reminders.cancel(subjectOf(plan.id));
    await this.scheduleWeek(plan.id, proposal.parent.timeZone, proposal.windows, weekStartOf(this.clock.now(), proposal.parent.timeZone));
    return proposal;
  }

  /** A plan, only for someone allowed to see it: its parent, or a caregiver of the child's family. */
  async planFor(personId: string, planId: string): Promise<PlanView | undefined> {
    const plan = await this.db.callPlan.findFirst({
      where: { id: planId, OR: [{ parentId: personId }, { family: { members: { some: { personId, role: 'caregiver' } } } }] },
    });
    if (!plan) return undefined;
    const parties = await this.parties(plan.parentId, plan.childId);
    if (!parties) return undefined;
    const { id, targetPerWeek, skippedWeek, escalationLevel, createdAt } = plan;
    return { ...parties, id, targetPerWeek, skippedWeek, escalationLevel, createdAt, windows: parseWindows(plan.windows) };
  }

  /** The parent's current plan with a child, if they made one. */
  async planOf(parentId: string, childId: string): Promise<PlanView | undefined> {
    const plan = await this.db.callPlan.findUnique({ where: { parentId_childId: { parentId, childId } }, select: { id: true } });
    return plan ? this.planFor(parentId, plan.id) : undefined;
  }

  /** Plans someone may log a call for: as the parent, or as a caregiver in the family. */
  async plansLoggableBy(personId: string): Promise<{ id: string; label: string }[]> {
    const plans = await this.db.callPlan.findMany({
      where: { OR: [{ parentId: personId }, { family: { members: { some: { personId, role: 'caregiver' } } } }] },
      include: { parent: { select: { displayName: true } }, child: { select: { name: true } } },
      orderBy: { createdAt: 'asc' },
    });
    return plans.map((plan) => ({ id: plan.id, label: `${plan.parent.displayName} ↔ ${plan.child.name}` }));
  }

  /** The nudges of the week starting `weekStart` that are still ahead, and the summary at its end; none while the child lives with the parent. */
  async scheduleWeek(planId: string, timeZone: string, windows: readonly CallWindow[], weekStart: DateTime): Promise<void> {
    const { parentId, childId } = await this.db.callPlan.findUniqueOrThrow({ where: { id: planId }, select: { parentId: true, childId: true } });
    if (await this.livesTogether({ parentId, childId })) return;
    await this.reminders.schedule(this.weekRequests({ id: planId, parentId, timeZone, windows }, weekStart));
  }

  /** A parent and child who live together talk every day: nobody reminds them to call, nor counts calls they did not log. */
  async livesTogether(pair: { parentId: string; childId: string }): Promise<boolean> {
    return (await this.whereabouts.livingWith([pair.childId])).get(pair.childId) === pair.parentId;
  }

  /** The child's plans: those whose nudges pause or resume when the child moves. */
  async plansOfChild(childId: string): Promise<{ id: string; parentId: string }[]> {
    return this.db.callPlan.findMany({ where: { childId }, select: { id: true, parentId: true } });
  }

  /** Nudges and summaries of this week and the next, as the recurring job keeps them: after a pause, they start again at once. */
  async scheduleComingWeeks(planId: string): Promise<void> {
    const row = await this.db.callPlan.findUniqueOrThrow({ where: { id: planId }, select: PLAN_SCHEDULE_FIELDS });
    if (await this.livesTogether(row)) return;
    await this.reminders.schedule(this.comingRequests(row));
  }

  /** No nudge or summary of the plan is left pending (the child came to live with the parent). */
  async pause(planId: string): Promise<void> {
    await this.reminders.cancel(subjectOf(planId));
  }

  /**
   * The recurrence of every plan, owned here rather than by any flow step: this week's and next week's nudges and
   * summaries are kept scheduled (an existing one is left as it is), so a parent who stopped and came back, or a
   * week whose summary never ran, still gets the weeks after. Plans are read a page at a time.
   */
  async keepScheduled(pageSize = 500): Promise<void> {
    let after: string | undefined;
    for (;;) {
      const page = await this.db.callPlan.findMany({
        where: after ? { id: { gt: after } } : {},
        select: PLAN_SCHEDULE_FIELDS,
        orderBy: { id: 'asc' },
        take: pageSize,
      });
      const together = await this.whereabouts.livingWith(page.map((row) => row.childId));
      const requests = page.filter((row) => together.get(row.childId) !== row.parentId).flatMap((row) => this.comingRequests(row));
      if (requests.length > 0) await this.reminders.schedule(requests);
      if (page.length < pageSize) return;
      after = page.at(-1)!.id;
    }
  }

  private comingRequests(row: { id: string; parentId: string; windows: unknown; parent: { timeZone: string } }): ReminderRequest[] {
    const plan = { id: row.id, parentId: row.parentId, timeZone: row.parent.timeZone, windows: parseWindows(row.windows) };
    const thisWeek = weekStartOf(this.clock.now(), plan.timeZone);
    return [...this.weekRequests(plan, thisWeek), ...this.weekRequests(plan, thisWeek.plus({ weeks: 1 }))];
  }

  private weekRequests(plan: { id: string; parentId: string; timeZone: string; windows: readonly CallWindow[] }, weekStart: DateTime): ReminderRequest[] {
    const now = this.clock.now();
    const nudges = plan.windows.map((window) => windowStart(window, weekStart).minus({ minutes: NUDGE_LEAD_MINUTES })).filter((at) => at.toJSDate() > now);
    const summaryAt = weekStart.startOf('day').plus({ days: SUMMARY_WEEKDAY - 1 }).set({ hour: SUMMARY_HOUR });
    const week = isoWeekOf(weekStart.toJSDate(), plan.timeZone);
    const request = (occurrence: string, flowId: string, at: DateTime, toleranceSeconds: number, vars: ReminderRequest['vars']): ReminderRequest => ({
      subject: subjectOf(plan.id),
      occurrence,
      personId: plan.parentId,
      flowId,
      vars: { plan_id: plan.id, ...vars },
      at: { localTime: localTimeOf(at) },
      toleranceSeconds,
    });
    const summary = summaryAt.toJSDate() > now ? [request(`summary:${week}`, SUMMARY_FLOW, summaryAt, SUMMARY_TOLERANCE_SECONDS, { week })] : [];
    return [...nudges.map((at) => request(`nudge:${localTimeOf(at)}`, NUDGE_FLOW, at, NUDGE_TOLERANCE_SECONDS, {})), ...summary];
  }

  /** "Remind me in 1 hour": one more nudge, an hour from now (or after the parent's quiet hours). */
  async snooze(plan: PlanView, minutes: number): Promise<Date> {
    const at = new Date(this.clock.now().getTime() + minutes * 60_000);
    await this.reminders.schedule([
      { subject: subjectOf(plan.id), occurrence: `snooze:${at.toISOString()}`, personId: plan.parent.id, flowId: NUDGE_FLOW, vars: { plan_id: plan.id }, at: { instant: at }, toleranceSeconds: SNOOZE_TOLERANCE_SECONDS },
    ]);
    return at;
  }

  /** "Not this week": no more nudges until next week; the summary still comes. */
  async skipWeek(plan: PlanView): Promise<void> {
    const week = isoWeekOf(this.clock.now(), plan.parent.timeZone);
    await this.db.callPlan.update({ where: { id: plan.id }, data: { skippedWeek: week } });
  }

  private async parties(parentId: string, childId: string): Promise<CallParties | undefined> {
    const child = await this.db.child.findFirst({
      where: { id: childId, family: { members: { some: { personId: parentId, role: 'parent' } } } },
      include: { family: { include: { members: { include: { person: { select: PERSON_FIELDS } }, orderBy: { joinedAt: 'asc' } } } } },
    });
    if (!child) return undefined;
    const members = child.family.members;
    const parent = members.find((member) => member.personId === parentId)!.person;
    // Home is where the caregiver is; before one joins, the coordinator (the kindergarten) is the best guess.
    const home = (members.find((member) => member.role === 'caregiver') ?? members.find((member) => member.role === 'coordinator'))?.person ?? parent;
    return { familyId: child.familyId, child: { id: child.id, name: child.name, birthDate: child.birthDate }, parent: end(parent), home: end(home) };
  }
}

export function subjectOf(planId: string): string {
  return `call-plan:${planId}`;
}

function end(person: {
  id: string;
  displayName: string;
  timeZone: string;
  city: string | null;
  quietStartMinute: number | null;
  quietEndMinute: number | null;
}): PlanPerson & CallEnd {
  const { id, displayName, timeZone, city } = person;
  return { id, displayName, timeZone, city, quiet: quietHoursFrom(person.quietStartMinute, person.quietEndMinute) };
}

function localTimeOf(at: DateTime): string {
  return at.toFormat("yyyy-MM-dd'T'HH:mm");
}
