import type { FeatureSettings, SharedPorts } from '../shared-ports.js';
import type { ActivitiesProvides } from '../activities/activities-ports.js';
import type { BroadcastsProvides } from '../broadcasts/broadcasts-ports.js';
import type { PersonEraser } from './person-eraser.js';

export type PrivacyDeps = Pick<SharedPorts, 'db' | 'mediaStore' | 'outboxRedaction' | 'logger'> & ActivitiesProvides & Pick<BroadcastsProvides, 'broadcasts'> & {
  readonly settings: Pick<FeatureSettings, 'mediaRetentionDays' | 'outboxRedactionDays' | 'mediaRetentionSweepEveryMs'>;
};

export interface PrivacyProvides {
  /** How long what is shared is kept, as `/privacy` tells people. */
  readonly privacyTerms: { readonly mediaRetentionDays: number; readonly outboxRedactionDays: number };
  /** `/forget`: deletes everything of a person. */
  readonly eraser: PersonEraser;
}

export type PrivacyActionDeps = PrivacyDeps & PrivacyProvides;
