import { z } from 'zod';
import { actionArgs, defineAction } from '../../core/flow-action.js';
import type { FeatureServices } from '../feature-services.js';

export const safeguardingActions = [
  defineAction<FeatureServices>({
    name: 'safeguarding.requestContact',
    outcomes: ['ok', 'not_in_a_family'],
    args: actionArgs(['category']),
    async run({ safeguarding }, { person, args }) {
      const category = z.string().min(1).parse(args.category);
      const answer = await safeguarding.requestContact(person, category);
      return answer === 'requested' ? {} : { outcome: answer };
    },
  }),
];
