import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { peopleActions } from './people-actions.js';
import { PEOPLE_EVENTS } from './people-events.js';

/** The people feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const peopleFeature = defineFeature({
  feature: 'people',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: [...Object.values(PEOPLE_EVENTS)],
  readsChoices: [],
  actions: peopleActions,
});
