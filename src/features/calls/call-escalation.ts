import type { Clock } from '../../core/clock.js';
import type { EventPublisher } from '../../core/events.js';
import type { Database } from '../../storage/prisma.js';
import type { PlanView } from './call-plans.js';
import { CALL_EVENTS } from './call-events.js';

export const NO_CONTACT_ALERT = 'calls.no_contact';

/** What the weekly summary does about weeks without a call. */
export type Escalation = 'none' | 'gentle' | 'alerted';

export interface AlertView {
  readonly familyName: string;
  readonly parentName: string;
  readonly childName: string;
  readonly weeks: number;
  readonly createdAt: Date;
}

/**
 * Drifting apart, noticed kindly: after `weeks` weeks without a call the parent gets a gentle personal word; a week
 * later, still nothing, the family's coordinators get an alert they can follow up in person. A call resets both.
 */
export class CallEscalation {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
    private readonly weeks: number,
  ) {}

  async evaluate(plan: PlanView, weeksWithoutCall: number): Promise<Escalation> {
    if (weeksWithoutCall < this.weeks) return 'none';
    if (plan.escalationLevel === 0) {
      await this.db.callPlan.update({ where: { id: plan.id }, data: { escalationLevel: 1 } });
      return 'gentle';
    }
    if (plan.escalationLevel === 1 && weeksWithoutCall > this.weeks) {
      await this.alertCoordinators(plan, weeksWithoutCall);
      return 'alerted';
    }
    return 'none';
  }

  /** Open alerts of families in the cohorts `coordinatorId` coordinates; nobody else's. */
  async openAlertsFor(coordinatorId: string): Promise<AlertView[]> {
    const alerts = await this.db.coordinatorAlert.findMany({
      where: { resolvedAt: null, family: { cohort: { coordinators: { some: { personId: coordinatorId } } } } },
      include: { family: { select: { name: true } } },
      orderBy: { createdAt: 'asc' },
    });
    return alerts.map((alert) => {
      const details = alert.details as { parentName?: string; childName?: string; weeks?: number };
      return {
        familyName: alert.family.name,
        parentName: details.parentName ?? '—',
        childName: details.childName ?? '—',
        weeks: details.weeks ?? 0,
        createdAt: alert.createdAt,
      };
    });
  }

  private async alertCoordinators(plan: PlanView, weeks: number): Promise<void> {
    const family = await this.db.family.findUniqueOrThrow({
      where: { id: plan.familyId },
      select: { name: true, cohort: { select: { coordinators: { select: { personId: true } } } } },
    });
    await this.db.$transaction([
      this.db.coordinatorAlert.create({
        data: { familyId: plan.familyId, planId: plan.id, kind: NO_CONTACT_ALERT, details: { parentName: plan.parent.displayName, childName: plan.child.name, weeks }, createdAt: this.clock.now() },
      }),
      this.db.callPlan.update({ where: { id: plan.id }, data: { escalationLevel: 2 } }),
    ]);
    const coordinators = family.cohort?.coordinators.map((coordinator) => coordinator.personId) ?? [];
    if (coordinators.length > 0) {
      await this.events.publish({
        name: CALL_EVENTS.coordinatorAlert,
        personIds: coordinators,
        vars: { family_name: family.name, parent_name: plan.parent.displayName, child_name: plan.child.name, weeks },
      });
    }
  }
}
