import { actionArgs, defineAction } from '../../core/flow-action.js';
import type { Role } from '../../storage/generated/enums.js';
import type { FamiliesActionDeps } from './families-ports.js';
import { NotCoordinatorError } from './families.js';
import { expiryOf, inviteLine } from './invite-lines.js';

/** A coordinator's fresh invite for one role of a family they run, from chat (flows/invite.yaml). */
export const inviteActions = [
  defineAction<FamiliesActionDeps>({
    name: 'families.invitableFamilies',
    outcomes: ['ok', 'no_families', 'not_coordinator'],
    async run({ families }, { person }) {
      if ((await families.cohortsCoordinatedBy(person.id)).length === 0) return { outcome: 'not_coordinator' };
      const found = await families.familiesCoordinatedBy(person.id);
      if (found.length === 0) return { outcome: 'no_families' };
      // Two families of one name are told apart by their group.
      const shared = new Set(found.filter((family, index) => found.findIndex((other) => other.name === family.name) !== index).map((family) => family.name));
      const choices = found.map((family) => ({ id: family.id, label: shared.has(family.name) ? `${family.name} · ${family.cohortName}` : family.name }));
      return { vars: { family_choices: choices } };
    },
  }),
  defineAction<FamiliesActionDeps>({
    name: 'families.reinvite',
    outcomes: ['issued', 'denied'],
    args: actionArgs(['family_id', 'role']),
    async run(services, { person, args }) {
      try {
        const invite = await services.families.reinvite(person.id, String(args.family_id ?? ''), String(args.role ?? '') as Role);
        // The code is a secret: shown once, never kept in the session, and replaced in the outbox's copy once sent.
        return { outcome: 'issued', vars: { expires_at: expiryOf(invite, person) }, secrets: { invite_line: inviteLine(invite, person, services) } };
      } catch (error) {
        if (error instanceof NotCoordinatorError) return { outcome: 'denied' };
        throw error;
      }
    },
  }),
];
