import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { DEFAULT_MEDIA_RETENTION_DAYS, DEFAULT_OUTBOX_REDACTION_DAYS } from '../shared-ports.js';
import { PersonEraser } from './person-eraser.js';
import type { PrivacyDeps, PrivacyProvides } from './privacy-ports.js';
import { privacyActions } from './privacy-actions.js';

/** The privacy feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const privacyFeature = defineFeature<PrivacyDeps, PrivacyProvides>({
  feature: 'privacy',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: [],
  readsChoices: [],
  actions: privacyActions,
  create(deps) {
    const privacyTerms = {
      mediaRetentionDays: deps.settings.mediaRetentionDays ?? DEFAULT_MEDIA_RETENTION_DAYS,
      outboxRedactionDays: deps.settings.outboxRedactionDays ?? DEFAULT_OUTBOX_REDACTION_DAYS,
    };
    const eraser = new PersonEraser(deps.db, deps.mediaStore, deps.outboxRedaction, deps.activities.recordings, deps.broadcasts);
    const redaction = {
      id: 'privacy.outbox-redaction',
      everyMs: deps.settings.mediaRetentionSweepEveryMs ?? 3_600_000,
      async run() {
        const redactedMessages = await deps.outboxRedaction.sweep();
        if (redactedMessages > 0) deps.logger.info({ redactedMessages }, 'outbox redaction sweep');
      },
    };
    return { provides: { privacyTerms, eraser }, jobs: [redaction] };
  },
});
