import type { FeatureSettings, SharedPorts } from '../shared-ports.js';
import type { AttentionProvides } from '../attention/attention-ports.js';
import type { SafeguardingServices } from './safeguarding-services.js';

export type SafeguardingDeps = Pick<SharedPorts, 'db' | 'clock' | 'redis' | 'keyPrefix' | 'outbox' | 'events' | 'translate' | 'logger'> & AttentionProvides & {
  readonly settings: Pick<FeatureSettings, 'safeguardingDir' | 'silentFamilyWeeks'>;
};

export interface SafeguardingProvides {
  /** Screens what family members write; answers with help numbers and alerts their coordinators. */
  readonly safeguarding: SafeguardingServices;
}

export type SafeguardingActionDeps = SafeguardingDeps & SafeguardingProvides;
