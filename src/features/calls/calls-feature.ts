import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { callActions } from './call-actions.js';
import { CALL_EVENTS } from './call-events.js';
import { NUDGE_FLOW, SUMMARY_FLOW } from './call-plans.js';

/** The calls feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const callsFeature = defineFeature({
  feature: 'calls',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [NUDGE_FLOW, SUMMARY_FLOW],
  emits: [...Object.values(CALL_EVENTS)],
  readsChoices: [],
  actions: callActions,
});
