import { DateTime } from 'luxon';
import type { AttentionRaiser } from '../../core/attention.js';
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
  /** Weeks in a row, ending with this one and not before the plan began, without any call. */
  readonly weeksWithoutCall: number;
}

/** Streaks look back at most this far; two years of weekly calls is a streak worth its own celebration anyway. */
const LOOKBACK_WEEKS = 104;

/** "We talked": the call log, and what it says about a week. */
export class CallLogService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly attention: AttentionRaiser,
  ) {}

  /** Logs a call now; it ends any escalation and closes the coordinators' needs-attention item about this plan. */
  async log(plan: PlanView, loggedById: string): Promise<{ weekCalls: number }> {
    const talkedAt = this.clock.now();
    await this.db.$transaction([
      this.db.callLog.create({ data: { planId: plan.id, loggedById, talkedAt } }),
      this.db.callPlan.update({ where: { id: plan.id }, data: { escalationLevel: 0 } }),
    ]);
    await this.attention.resolve(missedCallsKey(plan.id), 'a call was logged');
    const week = isoWeekOf(talkedAt, plan.parent.timeZone);
    return { weekCalls: (await this.callWeeks(plan, week)).get(week) ?? 0 };
  }

  async lastCallAt(planId: string): Promise<Date | null> {
    const last = await this.db.callLog.findFirst({ where: { planId }, orderBy: { talkedAt: 'desc' }, select: { talkedAt: true } });
    return last?.talkedAt ?? null;
  }

  async summarize(plan: PlanView, week: string): Promise<WeekSummary> {
    const calls = await this.callWeeks(plan, week);
    const firstWeek = isoWeekOf(plan.createdAt, plan.parent.timeZone);
    let streak = 0;
    let weeksWithoutCall = 0;
    for (const each of weeksBackFrom(week, plan.parent.timeZone)) {
      if (!calls.has(each)) break;
      streak += 1;
    }
    for (const each of weeksBackFrom(week, plan.parent.timeZone)) {
      if (calls.has(each) || each < firstWeek) break;
      weeksWithoutCall += 1;
    }
    return { weekCalls: calls.get(week) ?? 0, target: plan.targetPerWeek, streak, lastCallAt: await this.lastCallAt(plan.id), weeksWithoutCall };
  }

  /** Calls per ISO week (on the parent's clock), up to the end of `week`. */
  private async callWeeks(plan: PlanView, week: string): Promise<Map<string, number>> {
    const start = weekStartOfIsoWeek(week, plan.parent.timeZone) ?? DateTime.fromJSDate(this.clock.now());
    const logs = await this.db.callLog.findMany({
      where: { planId: plan.id, talkedAt: { gte: start.minus({ weeks: LOOKBACK_WEEKS }).toJSDate(), lt: start.plus({ weeks: 1 }).toJSDate() } },
      select: { talkedAt: true },
    });
    const counts = new Map<string, number>();
    for (const { talkedAt } of logs) {
      const each = isoWeekOf(talkedAt, plan.parent.timeZone);
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
