import type { FeatureSettings, SharedPorts } from '../shared-ports.js';
import type { UpdateServices } from './update-services.js';

export type UpdatesDeps = Pick<SharedPorts, 'db' | 'clock' | 'outbox' | 'mediaStore' | 'fetcher' | 'addressOf' | 'translate'> & {
  readonly settings: Pick<FeatureSettings, 'mediaLimits' | 'mediaRetentionDays' | 'mediaRetentionSweepEveryMs'>;
};

export interface UpdatesProvides {
  /** Moments from home to parents (photos, voice, video, text) and their answers. */
  readonly updates: UpdateServices;
}

export type UpdatesActionDeps = UpdatesDeps & UpdatesProvides;
