import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { KEEP_SCHEDULED_EVERY_MS } from '../shared-ports.js';
import { defaultSafeguardingDir } from './safeguarding-dir.js';
import { createSafeguardingServices } from './safeguarding-services.js';
import type { SafeguardingDeps, SafeguardingProvides } from './safeguarding-ports.js';
import { safeguardingActions } from './safeguarding-actions.js';
import { SAFEGUARDING_EVENTS } from './safeguarding-events.js';

/** The safeguarding feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const safeguardingFeature = defineFeature<SafeguardingDeps, SafeguardingProvides>({
  feature: 'safeguarding',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: Object.values(SAFEGUARDING_EVENTS),
  readsChoices: [],
  actions: safeguardingActions,
  create(deps) {
    const { settings, ...wiring } = deps;
    const safeguarding = createSafeguardingServices(wiring, { directory: settings.safeguardingDir ?? defaultSafeguardingDir, silentFamilyWeeks: settings.silentFamilyWeeks });
    return {
      provides: { safeguarding },
      listeners: [safeguarding.screen],
      jobs: [{ id: 'safeguarding.silent-families', everyMs: KEEP_SCHEDULED_EVERY_MS, run: () => safeguarding.silentFamilies.sweep().then(() => undefined) }],
    };
  },
});
