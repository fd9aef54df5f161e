import { defineAction } from '../../core/flow-action.js';
import { ConsentKind } from '../../storage/generated/enums.js';
import type { FeatureServices } from '../feature-services.js';

export const consentActions = [
  defineAction<FeatureServices>({
    name: 'consent.decide',
    outcomes: ['granted', 'refused', 'no_family'],
    async run({ consents }, { person, args }) {
      const kind = String(args.kind) as ConsentKind;
      if (!Object.values(ConsentKind).includes(kind)) throw new TypeError(`consent.decide: unknown consent kind "${kind}"`);
      const granted = args.granted === true || args.granted === 'yes';
      const families = await consents.decide(person.id, kind, granted);
      if (families === 0) return { outcome: 'no_family' };
      return { outcome: granted ? 'granted' : 'refused' };
    },
  }),
];
