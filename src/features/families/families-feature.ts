import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { familyActions } from './family-actions.js';
import { FAMILY_EVENTS } from './family-events.js';
import { freeTextActions } from './free-text-actions.js';
import { inviteActions } from './invite-actions.js';

/** The families feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const familiesFeature = defineFeature({
  feature: 'families',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: [...Object.values(FAMILY_EVENTS)],
  readsChoices: [],
  actions: [...familyActions, ...inviteActions, ...freeTextActions],
});
