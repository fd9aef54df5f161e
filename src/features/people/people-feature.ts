import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import type { PeopleDeps, PeopleProvides } from './people-ports.js';
import { peopleActions } from './people-actions.js';
import { PEOPLE_EVENTS } from './people-events.js';

/** The people feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const peopleFeature = defineFeature<PeopleDeps, PeopleProvides>({
  feature: 'people',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: [...Object.values(PEOPLE_EVENTS)],
  readsChoices: [],
  actions: peopleActions,
  create() {
    return { provides: {} };
  },
});
