import type { FeatureSettings, SharedPorts } from '../shared-ports.js';
import type { FamiliesProvides } from '../families/families-ports.js';
import type { AttentionItems } from './attention-items.js';

export type AttentionDeps = Pick<SharedPorts, 'db' | 'clock' | 'events' | 'translate'> & Pick<FamiliesProvides, 'families'> & {
  readonly settings: Pick<FeatureSettings, 'attention'>;
};

export interface AttentionProvides {
  /** What needs a person: families out of touch, worrying answers, words of harm; seen only within the cohort. */
  readonly attention: AttentionItems;
}

export type AttentionActionDeps = AttentionDeps & AttentionProvides;
