import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { peopleActions } from './people-actions.js';

/** The people feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const peopleFeature = defineFeature({
  feature: 'people',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: [],
  readsChoices: [],
  actions: peopleActions,
});
