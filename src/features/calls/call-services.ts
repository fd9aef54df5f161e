import type { AttentionRaiser } from '../../core/attention.js';
import type { ChildWhereabouts } from '../../core/child-whereabouts.js';
import type { Clock } from '../../core/clock.js';
import type { ReminderScheduler } from '../../core/reminders.js';
import type { Database } from '../../storage/prisma.js';
import { CallEscalation } from './call-escalation.js';
import { CallLogService } from './call-log.js';
import { CallPlanService } from './call-plans.js';
import { CallsWhileTogether } from './calls-while-together.js';
import { defaultStarterSources, type ConversationStarterSource } from './conversation-starters.js';

/** Everything the calls feature's actions use. */
export interface CallServices {
  readonly plans: CallPlanService;
  readonly log: CallLogService;
  readonly escalation: CallEscalation;
  readonly starters: readonly ConversationStarterSource[];
  /** Pauses a parent's nudges while the child lives with them, and starts them again when the child goes home. */
  readonly whileTogether: CallsWhileTogether;
}

export interface CallSettings {
  /** Weeks without a call before the parent gets a gentle word; one more week and it needs the coordinators' attention. */
  readonly escalationWeeks?: number;
  /** Sources of conversation starters; other features add theirs (play activity, last photo). */
  readonly starters?: readonly ConversationStarterSource[];
}

export function createCallServices(
  deps: { db: Database; clock: Clock; reminders: ReminderScheduler; attention: AttentionRaiser; whereabouts: ChildWhereabouts },
  settings: CallSettings = {},
): CallServices {
  const { db, clock, reminders, attention, whereabouts } = deps;
  const plans = new CallPlanService(db, clock, reminders, whereabouts);
  return {
    plans,
    log: new CallLogService(db, clock, attention, whereabouts),
    escalation: new CallEscalation(db, attention, settings.escalationWeeks ?? 2),
    starters: settings.starters ?? defaultStarterSources,
    whileTogether: new CallsWhileTogether(db, plans, attention),
  };
}
