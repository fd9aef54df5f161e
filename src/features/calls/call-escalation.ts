import type { AttentionRaiser } from '../../core/attention.js';
import type { Database } from '../../storage/prisma.js';
import type { PlanView } from './call-plans.js';

/** The needs-attention kind of a parent out of touch, and its key: one open item per plan, closed by a call. */
export const MISSED_CALLS = 'missed_calls';
export const missedCallsKey = (planId: string): string => `calls.no_contact:${planId}`;

/** What the weekly summary does about weeks without a call. */
export type Escalation = 'none' | 'gentle' | 'alerted';

/**
 * Drifting apart, noticed kindly: after `weeks` weeks without a call the parent gets a gentle personal word; a week
 * later, still nothing, the family's coordinators get a needs-attention item they can follow up in person. A call
 * resets both.
 */
export class CallEscalation {
  constructor(
    private readonly db: Database,
    private readonly attention: AttentionRaiser,
    private readonly weeks: number,
  ) {}

  async evaluate(plan: PlanView, weeksWithoutCall: number): Promise<Escalation> {
    if (weeksWithoutCall < this.weeks) return 'none';
    if (plan.escalationLevel === 0) {
      await this.db.callPlan.update({ where: { id: plan.id }, data: { escalationLevel: 1 } });
      return 'gentle';
    }
    if (plan.escalationLevel === 1 && weeksWithoutCall > this.weeks) {
      await this.attention.raise({
        kind: MISSED_CALLS,
        familyId: plan.familyId,
        childId: plan.child.id,
        subjectPersonId: plan.parent.id,
        details: { person_name: plan.parent.displayName, child_name: plan.child.name, weeks: weeksWithoutCall },
        dedupeKey: missedCallsKey(plan.id),
      });
      await this.db.callPlan.update({ where: { id: plan.id }, data: { escalationLevel: 2 } });
      return 'alerted';
    }
    return 'none';
  }
}
