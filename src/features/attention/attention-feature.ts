import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { attentionActions } from './attention-actions.js';
import { ATTENTION_EVENTS } from './attention-events.js';

/** The needs-attention feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const attentionFeature = defineFeature({
  feature: 'attention',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: [...Object.values(ATTENTION_EVENTS)],
  readsChoices: [],
  actions: attentionActions,
});
