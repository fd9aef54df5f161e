import { DateTime } from 'luxon';
import type { AttentionRaiser } from '../../core/attention.js';
import type { ChildWhereabouts } from '../../core/child-whereabouts.js';
import type { Clock } from '../../core/clock.js';
import type { Database } from '../../storage/prisma.js';
import { missedCallsKey } from './call-escalation.js';
import type { PlanView } from './call-plans.js';
import { isoWeekOf, weekStartOfIsoWeek } from '../../core/weeks.js';

/** How one week went, as the weekly summary tells it. */
export interface WeekSummary {
  readonly weekCalls: number;
  readonly target: number;
  /** Weeks in a row, ending with this one, with at least one call. */
  readonly streak: number;
  readonly lastCallAt: Date | null;
  /** Weeks in a row, ending with this one and not before the plan began nor while the child lived with the parent, without any call. */
  readonly weeksWithoutCall: number;
}

/** A parent and a child who talked, as /talked names them when the parents have made no call plan yet. */
export interface CallPair {
  readonly familyId: string;
  readonly parent: { readonly id: string; readonly displayName: string; readonly timeZone: string };
  readonly child: { readonly id: string; readonly name: string };
}

/** Choices and args carry a pair as `<parent id>:<child id>`. */
export function callPairId(pair: CallPair): string {
  return `${pair.parent.id}:${pair.child.id}`;
}

/** Streaks look back at most this far; two years of weekly calls is a streak worth its own celebration anyway. */
const LOOKBACK_WEEKS = 104;

/** Whose calls: a parent (on whose clock weeks are counted) and a child. */
type CallEnds = Pick<CallPair, 'parent' | 'child'>;

/** "We talked": the call log, and what it says about a week. */
export class CallLogService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly attention: AttentionRaiser,
    private readonly whereabouts: ChildWhereabouts,
  ) {}

  /** Logs a call now; it ends any escalation and closes the coordinators' needs-attention item about this plan. */
  async log(plan: PlanView, loggedById: string): Promise<{ weekCalls: number }> {
    const talkedAt = this.clock.now();
    await this.db.$transaction([
      this.db.callLog.create({ data: { planId: plan.id, familyId: plan.familyId, parentId: plan.parent.id, childId: plan.child.id, loggedById, talkedAt } }),
      this.db.callPlan.update({ where: { id: plan.id }, data: { escalationLevel: 0 } }),
    ]);
    await this.attention.resolve(missedCallsKey(plan.id), 'a call was logged');
    return { weekCalls: await this.weekCallsAt(plan, talkedAt) };
  }

  /** Logs a call the parents have no plan for: it counts for their week all the same, and for a plan made later. */
  async logWithoutPlan(pair: CallPair, loggedById: string): Promise<{ weekCalls: number }> {
    const talkedAt = this.clock.now();
    await this.db.callLog.create({ data: { familyId: pair.familyId, parentId: pair.parent.id, childId: pair.child.id, loggedById, talkedAt } });
    return { weekCalls: await this.weekCallsAt(pair, talkedAt) };
  }

  /**
   * The parent–child pairs someone may log a call for that have no call plan: as a parent, their own children; as
   * a caregiver, each parent of the family with each child. Never anyone outside their families.
   */
  async pairsWithoutPlan(personId: string): Promise<CallPair[]> {
    const families = await this.db.family.findMany({
      where: { members: { some: { personId, role: { in: ['parent', 'caregiver'] } } } },
      orderBy: { createdAt: 'asc' },
      include: {
        children: { orderBy: { birthDate: 'asc' }, select: { id: true, name: true } },
        members: { where: { role: 'parent' }, orderBy: { joinedAt: 'asc' }, include: { person: { select: { id: true, displayName: true, timeZone: true } } } },
        callPlans: { select: { parentId: true, childId: true } },
      },
    });
    return families.flatMap((family) => {
      const asParent = family.members.some((member) => member.personId === personId);
      const parents = family.members.filter((member) => !asParent || member.personId === personId).map((member) => member.person);
      const planned = new Set(family.callPlans.map((plan) => `${plan.parentId}:${plan.childId}`));
      return parents
        .flatMap((parent) => family.children.map((child) => ({ familyId: family.id, parent, child })))
        .filter((pair) => !planned.has(callPairId(pair)));
    });
  }

  /** The eldest child of a family `personId` looks after at home where no parent has joined yet: no call to log. */
  async childAwaitingParents(personId: string): Promise<string | undefined> {
    const family = await this.db.family.findFirst({
      where: { members: { some: { personId, role: 'caregiver' }, none: { role: 'parent' } } },
      orderBy: { createdAt: 'asc' },
      select: { children: { orderBy: { birthDate: 'asc' }, take: 1, select: { name: true } } },
    });
    return family?.children[0]?.name;
  }

  private async lastCallAt(pair: CallEnds): Promise<Date | null> {
    const last = await this.db.callLog.findFirst({ where: { parentId: pair.parent.id, childId: pair.child.id }, orderBy: { talkedAt: 'desc' }, select: { talkedAt: true } });
    return last?.talkedAt ?? null;
  }

  private async weekCallsAt(pair: CallEnds, at: Date): Promise<number> {
    const week = isoWeekOf(at, pair.parent.timeZone);
    return (await this.callWeeks(pair, week)).get(week) ?? 0;
  }

  async summarize(plan: PlanView, week: string): Promise<WeekSummary> {
    const calls = await this.callWeeks(plan, week);
    const firstWeek = isoWeekOf(plan.createdAt, plan.parent.timeZone);
    const together = await this.weeksTogether(plan);
    let streak = 0;
    let weeksWithoutCall = 0;
    for (const each of weeksBackFrom(week, plan.parent.timeZone)) {
      if (!calls.has(each)) break;
      streak += 1;
    }
    for (const each of weeksBackFrom(week, plan.parent.timeZone)) {
      if (calls.has(each) || together.has(each) || each < firstWeek) break;
      weeksWithoutCall += 1;
    }
    return { weekCalls: calls.get(week) ?? 0, target: plan.targetPerWeek, streak, lastCallAt: await this.lastCallAt(plan), weeksWithoutCall };
  }

  /** The ISO weeks (on the parent's clock) the child lived with the parent, at least in part: no call is missed then. */
  private async weeksTogether(pair: CallEnds): Promise<Set<string>> {
    const weeks = new Set<string>();
    for (const stay of await this.whereabouts.staysTogether(pair.parent.id, pair.child.id)) {
      const end = stay.until ?? this.clock.now();
      for (let day = DateTime.fromJSDate(stay.since); day.toJSDate() <= end; day = day.plus({ days: 7 })) weeks.add(isoWeekOf(day.toJSDate(), pair.parent.timeZone));
      weeks.add(isoWeekOf(end, pair.parent.timeZone));
    }
    return weeks;
  }

  /** Calls per ISO week (on the parent's clock), up to the end of `week`: every call of the pair, planned or not. */
  private async callWeeks(pair: CallEnds, week: string): Promise<Map<string, number>> {
    const start = weekStartOfIsoWeek(week, pair.parent.timeZone) ?? DateTime.fromJSDate(this.clock.now());
    const logs = await this.db.callLog.findMany({
      where: { parentId: pair.parent.id, childId: pair.child.id, talkedAt: { gte: start.minus({ weeks: LOOKBACK_WEEKS }).toJSDate(), lt: start.plus({ weeks: 1 }).toJSDate() } },
      select: { talkedAt: true },
    });
    const counts = new Map<string, number>();
    for (const { talkedAt } of logs) {
      const each = isoWeekOf(talkedAt, pair.parent.timeZone);
      counts.set(each, (counts.get(each) ?? 0) + 1);
    }
    return counts;
  }
}

function* weeksBackFrom(week: string, timeZone: string): Generator<string> {
  const start = weekStartOfIsoWeek(week, timeZone);
  if (!start) return;
  for (let back = 0; back < LOOKBACK_WEEKS; back++) yield isoWeekOf(start.minus({ weeks: back }).toJSDate(), timeZone);
}
