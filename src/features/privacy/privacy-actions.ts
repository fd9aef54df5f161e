import { defineAction } from '../../core/flow-action.js';
import type { FeatureServices } from '../feature-services.js';

export const privacyActions = [
  defineAction<FeatureServices>({
    name: 'privacy.forget',
    outcomes: ['ok'],
    async run({ eraser }, { person }) {
      await eraser.forget(person.id);
      return {};
    },
  }),
];
