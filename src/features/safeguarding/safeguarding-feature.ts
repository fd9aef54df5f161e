import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { safeguardingActions } from './safeguarding-actions.js';
import { SAFEGUARDING_EVENTS } from './safeguarding-events.js';

/** The safeguarding feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const safeguardingFeature = defineFeature({
  feature: 'safeguarding',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: Object.values(SAFEGUARDING_EVENTS),
  readsChoices: [],
  actions: safeguardingActions,
});
