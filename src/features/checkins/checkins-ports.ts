import type { FeatureSettings, SharedPorts } from '../shared-ports.js';
import type { ActivitiesProvides } from '../activities/activities-ports.js';
import type { AttentionProvides } from '../attention/attention-ports.js';
import type { CheckInServices } from './checkin-services.js';

export type CheckinsDeps = Pick<SharedPorts, 'db' | 'clock' | 'reminders' | 'events' | 'synthesizer' | 'logger' | 'translate'> & ActivitiesProvides & AttentionProvides & {
  readonly settings: Pick<FeatureSettings, 'instrumentsDir'>;
};

export interface CheckinsProvides {
  /** Milestone check-ins at the checklist ages: instruments, answers, results, their schedule. */
  readonly checkins: CheckInServices;
}

export type CheckinsActionDeps = CheckinsDeps & CheckinsProvides;
