import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { dashboardAccessActions } from './dashboard-access-actions.js';

/** Sign-in links to the coordinators' dashboard, asked for in chat (checked by `npm run flows:lint`). */
export const dashboardAccessFeature = defineFeature({
  feature: 'dashboard',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: [],
  readsChoices: [],
  actions: dashboardAccessActions,
});
