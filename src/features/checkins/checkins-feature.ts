import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { checkinActions } from './checkin-actions.js';
import { CHECKIN_EVENTS, CHECKIN_FLOW, WELLBEING_FLOW } from './checkin-events.js';
import { wellbeingActions } from './wellbeing-actions.js';

/** The check-ins feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const checkinsFeature = defineFeature({
  feature: 'checkins',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [CHECKIN_FLOW, WELLBEING_FLOW],
  emits: Object.values(CHECKIN_EVENTS),
  readsChoices: [{ flow: CHECKIN_FLOW, step: 'ask', choices: ['yes', 'not_yet', 'not_sure'] }],
  actions: [...checkinActions, ...wellbeingActions],
});
