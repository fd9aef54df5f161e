import type { FeatureSettings, SharedPorts } from '../shared-ports.js';
import type { ActivitiesProvides } from '../activities/activities-ports.js';
import type { AttentionProvides } from '../attention/attention-ports.js';
import type { CallServices } from './call-services.js';

export type CallsDeps = Pick<SharedPorts, 'db' | 'clock' | 'reminders' | 'events' | 'translate'> & AttentionProvides & ActivitiesProvides & {
  readonly settings: Pick<FeatureSettings, 'callEscalationWeeks'>;
};

export interface CallsProvides {
  readonly calls: CallServices;
}

export type CallsActionDeps = CallsDeps & CallsProvides;
