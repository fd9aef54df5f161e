import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { livingActions } from './living-actions.js';
import { LIVING_EVENTS } from './living-events.js';

/** Where the child lives (with a parent, or at home): the living feature's side of the contract with the flows. */
export const livingFeature = defineFeature({
  feature: 'living',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: [...Object.values(LIVING_EVENTS)],
  readsChoices: [],
  actions: livingActions,
});
