import { z } from 'zod';
import { actionArgs, defineAction } from '../../core/flow-action.js';
import type { SafeguardingActionDeps } from './safeguarding-ports.js';

export const safeguardingActions = [
  defineAction<SafeguardingActionDeps>({
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
