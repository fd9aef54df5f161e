import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { privacyActions } from './privacy-actions.js';

/** The privacy feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const privacyFeature = defineFeature({
  feature: 'privacy',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: [],
  readsChoices: [],
  actions: privacyActions,
});
