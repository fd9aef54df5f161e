import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { playStarter } from '../activities/play-starter.js';
import { KEEP_SCHEDULED_EVERY_MS } from '../shared-ports.js';
import { createCallServices } from './call-services.js';
import { defaultStarterSources } from './conversation-starters.js';
import type { CallsDeps, CallsProvides } from './calls-ports.js';
import { callActions } from './call-actions.js';
import { CALL_EVENTS } from './call-events.js';
import { NUDGE_FLOW, SUMMARY_FLOW } from './call-plans.js';

/** The calls feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const callsFeature = defineFeature<CallsDeps, CallsProvides>({
  feature: 'calls',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [NUDGE_FLOW, SUMMARY_FLOW],
  emits: [...Object.values(CALL_EVENTS)],
  readsChoices: [],
  actions: callActions,
  create(deps) {
    const calls = createCallServices(
      { db: deps.db, clock: deps.clock, reminders: deps.reminders, attention: deps.attention },
      { escalationWeeks: deps.settings.callEscalationWeeks, starters: [...defaultStarterSources, playStarter(deps.activities.weeks, deps.activities.curriculum)] },
    );
    return { provides: { calls }, jobs: [{ id: 'calls.keep-scheduled', everyMs: KEEP_SCHEDULED_EVERY_MS, run: () => calls.plans.keepScheduled() }] };
  },
});
