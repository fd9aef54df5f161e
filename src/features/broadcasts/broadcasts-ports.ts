import type { FeatureSettings, SharedPorts } from '../shared-ports.js';
import type { UpdatesProvides } from '../updates/updates-ports.js';
import type { BroadcastWorker } from './broadcast-worker.js';
import type { BroadcastService } from './broadcasts.js';

export type BroadcastsDeps = Pick<SharedPorts, 'db' | 'clock' | 'outbox' | 'mediaStore' | 'queues' | 'people' | 'translate' | 'logger' | 'supportedLocales'> & UpdatesProvides & {
  readonly settings: Pick<FeatureSettings, 'broadcastFallbackLocales' | 'broadcastCheckEveryMs' | 'mediaRetentionDays' | 'mediaRetentionSweepEveryMs'>;
};

export interface BroadcastsProvides {
  readonly broadcasts: BroadcastService;
  /** Fans a broadcast out to its readers; started by the scheduler role. */
  readonly broadcastRunner: BroadcastWorker;
}

export type BroadcastsActionDeps = BroadcastsDeps & BroadcastsProvides;
