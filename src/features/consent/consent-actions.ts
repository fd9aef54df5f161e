import { z } from 'zod';
import { actionArgs, defineAction, type PersonView } from '../../core/flow-action.js';
import { ConsentKind } from '../../storage/generated/enums.js';
import type { ConsentActionDeps } from './consent-ports.js';
import type { ConsentStanding, ConsentSubject } from './consents.js';

/** The kinds of consent a flow may ask about, as the database knows them. */
const consentKind = z.enum(ConsentKind);

/** The answers of a consent question: ids no other question uses, so no other button can ever answer it. */
export const CONSENT_ANSWERS = { yes: 'consent_yes', no: 'consent_no' } as const;
/** The choice of /privacy that changes nothing. */
const KEEP_CHOICE = 'consent_keep';

export const consentActions = [
  defineAction<ConsentActionDeps>({
    name: 'consent.nextQuestion',
    outcomes: ['ask', 'none'],
    args: actionArgs(['family_id'], { kind: consentKind }),
    async run({ consents }, { person, args }) {
      const familyId = typeof args.family_id === 'string' && args.family_id !== '' ? args.family_id : undefined;
      const subject = await consents.nextUndecided(person.id, kindOf(args), familyId);
      return subject ? { outcome: 'ask', vars: varsOf(subject) } : { outcome: 'none' };
    },
  }),
  defineAction<ConsentActionDeps>({
    name: 'consent.overview',
    outcomes: ['ok', 'no_children'],
    args: actionArgs([], { kind: consentKind }),
    async run({ consents, translate }, { person, args }) {
      const standings = await consents.standings(person.id, kindOf(args));
      if (standings.length === 0) return { outcome: 'no_children' };
      return {
        vars: {
          consent_overview: standings.map((standing) => describe(standing, person, translate)).join('\n'),
          consent_choices: [
            ...standings.map((standing) => ({ id: standing.childId, label: translate(person.locale, 'privacy:change', subjectVars(standing)) })),
            { id: KEEP_CHOICE, label: translate(person.locale, 'privacy:keep') },
          ],
        },
      };
    },
  }),
  defineAction<ConsentActionDeps>({
    name: 'consent.pick',
    outcomes: ['ok', 'keep'],
    args: actionArgs(['child_id'], { kind: consentKind }),
    async run({ consents }, { person, args }) {
      // A tapped id is only ever a child this person decides about; anything else changes nothing.
      const subject = await consents.subject(person.id, kindOf(args), String(args.child_id ?? ''));
      return subject ? { vars: varsOf(subject) } : { outcome: 'keep' };
    },
  }),
  defineAction<ConsentActionDeps>({
    name: 'consent.decide',
    outcomes: ['granted', 'refused', 'not_parent'],
    args: actionArgs(['child_id', 'granted'], { kind: consentKind }),
    async run({ consents }, { person, args }) {
      const granted = args.granted === CONSENT_ANSWERS.yes;
      if (!granted && args.granted !== CONSENT_ANSWERS.no) throw new TypeError(`consent.decide: "${String(args.granted)}" is not a consent answer`);
      const recorded = await consents.decide(person.id, kindOf(args), String(args.child_id ?? ''), granted);
      if (!recorded) return { outcome: 'not_parent' };
      return { outcome: granted ? 'granted' : 'refused' };
    },
  }),
];

function kindOf(args: Readonly<Record<string, unknown>>): ConsentKind {
  const kind = String(args.kind) as ConsentKind;
  if (!Object.values(ConsentKind).includes(kind)) throw new TypeError(`consent: unknown consent kind "${kind}"`);
  return kind;
}

function subjectVars(subject: ConsentSubject): { child_name: string; family_name: string } {
  return { child_name: subject.childName, family_name: subject.familyName };
}

function varsOf(subject: ConsentSubject): Record<string, unknown> {
  return { ...subjectVars(subject), consent_child_id: subject.childId };
}

function describe(standing: ConsentStanding, person: PersonView, translate: ConsentActionDeps['translate']): string {
  const state = standing.granted === undefined ? 'undecided' : standing.granted ? 'granted' : 'refused';
  return translate(person.locale, `privacy:standing.${state}`, subjectVars(standing));
}
