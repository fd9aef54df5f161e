import { defineAction } from '../../core/flow-action.js';
import type { PrivacyActionDeps } from './privacy-ports.js';

export const privacyActions = [
  defineAction<PrivacyActionDeps>({
    name: 'privacy.terms',
    outcomes: ['ok'],
    async run({ privacyTerms }) {
      return { vars: { retention_days: privacyTerms.mediaRetentionDays, outbox_days: privacyTerms.outboxRedactionDays } };
    },
  }),
  defineAction<PrivacyActionDeps>({
    name: 'privacy.forget',
    outcomes: ['ok'],
    async run({ eraser }, { person }) {
      await eraser.forget(person.id);
      return {};
    },
  }),
];
