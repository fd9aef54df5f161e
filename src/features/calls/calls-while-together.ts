import type { AttentionRaiser } from '../../core/attention.js';
import type { ChildMove, ChildMoveListener } from '../../core/child-whereabouts.js';
import type { Database } from '../../storage/prisma.js';
import { missedCallsKey } from './call-escalation.js';
import type { CallPlanService } from './call-plans.js';

/**
 * A child who comes to live with a parent needs no reminder to call them: that pair's nudges and summaries stop,
 * any worry about their missed calls is over, and when the child goes home again the plan's weeks start afresh.
 */
export class CallsWhileTogether implements ChildMoveListener {
  constructor(
    private readonly db: Database,
    private readonly plans: CallPlanService,
    private readonly attention: AttentionRaiser,
  ) {}

  async childMoved(move: ChildMove): Promise<void> {
    for (const plan of await this.plans.plansOfChild(move.childId)) {
      if (plan.parentId === move.to) await this.pause(plan.id);
      else if (plan.parentId === move.from) await this.plans.scheduleComingWeeks(plan.id);
    }
  }

  private async pause(planId: string): Promise<void> {
    await this.plans.pause(planId);
    await this.db.callPlan.update({ where: { id: planId }, data: { escalationLevel: 0 } });
    await this.attention.resolve(missedCallsKey(planId), 'the child lives with the parent now');
  }
}
