import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { updateActions } from './update-actions.js';

/** The updates feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const updatesFeature = defineFeature({
  feature: 'updates',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: [],
  readsChoices: [],
  actions: updateActions,
});
