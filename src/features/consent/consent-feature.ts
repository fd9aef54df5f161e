import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { ConsentService } from './consents.js';
import type { ConsentDeps, ConsentProvides } from './consent-ports.js';
import { consentActions, CONSENT_ANSWERS } from './consent-actions.js';

/** The consent feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const consentFeature = defineFeature<ConsentDeps, ConsentProvides>({
  feature: 'consent',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: [],
  readsChoices: [{ flow: 'onboarding', step: 'ask_photo_consent', choices: Object.values(CONSENT_ANSWERS) }, { flow: 'privacy', step: 'ask_photo_consent', choices: Object.values(CONSENT_ANSWERS) }],
  actions: consentActions,
  create(deps) {
    return { provides: { consents: new ConsentService(deps.db, deps.clock) } };
  },
});
