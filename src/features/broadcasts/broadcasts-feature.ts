import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { broadcastActions } from './broadcast-actions.js';

/** The broadcasts feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const broadcastsFeature = defineFeature({
  feature: 'broadcasts',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: [],
  readsChoices: [],
  actions: broadcastActions,
});
