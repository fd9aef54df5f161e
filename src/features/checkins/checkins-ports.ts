import type { FeatureSettings, SharedPorts } from '../shared-ports.js';
import type { ActivitiesProvides } from '../activities/activities-ports.js';
import type { AttentionProvides } from '../attention/attention-ports.js';
import type { UpdatesProvides } from '../updates/updates-ports.js';
import type { CheckInServices } from './checkin-services.js';

export type CheckinsDeps = Pick<SharedPorts, 'db' | 'clock' | 'reminders' | 'events' | 'synthesizer' | 'logger' | 'translate' | 'mediaStore'> &
  ActivitiesProvides &
  AttentionProvides &
  Pick<UpdatesProvides, 'updates'> & {
    readonly settings: Pick<FeatureSettings, 'instrumentsDir' | 'mediaRetentionDays' | 'mediaRetentionSweepEveryMs'>;
  };

export interface CheckinsProvides {
  /** Check-ins: milestones at the checklist ages, monthly wellbeing, voice answers; instruments, results, schedules. */
  readonly checkins: CheckInServices;
}

export type CheckinsActionDeps = CheckinsDeps & CheckinsProvides;
