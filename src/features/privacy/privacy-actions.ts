import { defineAction } from '../../core/flow-action.js';
import type { FeatureServices } from '../feature-services.js';

export const privacyActions = [
  defineAction<FeatureServices>({
    name: 'privacy.terms',
    outcomes: ['ok'],
    async run({ privacyTerms }) {
      return { vars: { retention_days: privacyTerms.mediaRetentionDays, outbox_days: privacyTerms.outboxRedactionDays } };
    },
  }),
  defineAction<FeatureServices>({
    name: 'privacy.forget',
    outcomes: ['ok'],
    async run({ eraser }, { person }) {
      await eraser.forget(person.id);
      return {};
    },
  }),
];
