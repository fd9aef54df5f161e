import { actionArgs, defineAction } from '../../core/flow-action.js';
import { roleCommands } from '../../core/role-commands.js';
import type { FamiliesActionDeps } from './families-ports.js';
import { childrenInRole } from './children-in-role.js';
import { FAMILY_EVENTS } from './family-events.js';
import { classifyFreeText } from './free-text.js';

/** Longest text a caregiver is offered to pass on as it is; a longer one goes through /share. */
const MAX_PASSED_ON = 1000;

/**
 * A text nobody asked for (and no moment waits an answer for): a hello gets a hello and what this person can do,
 * a bare invite code starts joining (for someone already in a family too), and a caregiver's words ("他爸爸，小明想你了") are
 * offered to be passed on to the child's parents, which is what she means.
 */
export const freeTextActions = [
  defineAction<FamiliesActionDeps>({
    name: 'families.understandText',
    outcomes: ['greeting', 'code', 'offer_pass_on', 'unknown'],
    async run({ families, db, events, translate }, { person, vars }) {
      const inbound = vars.inbound as { kind?: string; text?: string } | undefined;
      const text = inbound?.kind === 'text' ? (inbound.text ?? '').trim() : '';
      const role = await families.mainRoleOf(person.id);
      const heard = classifyFreeText(text);
      // Anyone may join another family with a code on its own: a grandmother minding two sons' children.
      if (heard.kind === 'code') {
        await events.publish({ name: FAMILY_EVENTS.codeTyped, personIds: [person.id], vars: { args: heard.code } });
        return { outcome: 'code' };
      }
      if (heard.kind === 'greeting') return { outcome: 'greeting', vars: { help_role: role } };
      if (role !== 'caregiver' || text === '' || text.length > MAX_PASSED_ON) return { outcome: 'unknown', vars: { help_role: role } };
      const children = await childrenInRole(db, person.id, ['caregiver']);
      const childName = children.length === 1 ? children[0]!.name : translate(person.locale, 'common:free_text.the_child');
      return { outcome: 'offer_pass_on', vars: { words: text, help_role: role, child_name: childName } };
    },
  }),
  defineAction<FamiliesActionDeps>({
    name: 'families.passOn',
    outcomes: ['ok'],
    args: actionArgs(['words']),
    async run({ events }, { person, args }) {
      // The share flow takes it from here, as if she had sent /share with these words.
      await events.publish({ name: FAMILY_EVENTS.wordsToPassOn, personIds: [person.id], vars: { args: String(args.words ?? '') } });
      return {};
    },
  }),
  defineAction<FamiliesActionDeps>({
    name: 'families.helpText',
    outcomes: ['ok'],
    async run({ families, translate }, { person }) {
      const role = await families.mainRoleOf(person.id);
      const lines = roleCommands(role, (command) => translate(person.locale, `commands:${command}`)).map(({ command, description }) => `/${command} – ${description}`);
      return { vars: { help_text: [translate(person.locale, `commands:intro.${role}`), '', ...lines].join('\n') } };
    },
  }),
];
