import { actionArgs, defineAction, fromVariable, type PersonView } from '../../core/flow-action.js';
import type { FamiliesActionDeps } from './families-ports.js';
import type { FamilySummary } from './families.js';
import { expiryOf, inviteLine } from './invite-lines.js';
import { FAMILY_EVENTS } from './family-events.js';

/** Joining with a code, creating families, and seeing one's own family. */
export const familyActions = [
  defineAction<FamiliesActionDeps>({
    name: 'families.redeemInvite',
    outcomes: ['joined', 'joined_coordinator', 'already_member', 'invalid', 'expired', 'used', 'rate_limited'],
    args: actionArgs(['code']),
    async run({ invites, families, events, translate, commandMenus }, { person, args }) {
      const result = await invites.redeem(person.id, String(args.code ?? ''));
      if (result.outcome === 'joined' || result.outcome === 'joined_coordinator') await commandMenus.showFor(person.id, person.locale);
      switch (result.outcome) {
        case 'joined': {
          const others = await families.otherMemberIds(result.familyId, person.id);
          if (others.length > 0) {
            await events.publish({ name: FAMILY_EVENTS.memberJoined, personIds: others, vars: { joiner_name: person.displayName, joiner_role: result.role } });
          }
          return { outcome: 'joined', vars: { family_id: result.familyId, family_name: result.familyName, role: result.role, role_label: translate(person.locale, `families:role.${result.role}`) } };
        }
        case 'joined_coordinator':
          return { outcome: result.outcome, vars: { cohort_name: result.cohortName } };
        case 'already_member':
          return { outcome: result.outcome, vars: { family_name: result.familyName } };
        case 'rate_limited':
          return { outcome: result.outcome, vars: { retry_minutes: result.retryAfterMinutes } };
        default:
          return { outcome: result.outcome };
      }
    },
  }),
  defineAction<FamiliesActionDeps>({
    name: 'families.coordinatorCohorts',
    outcomes: ['one', 'several', 'none'],
    async run({ families }, { person }) {
      const cohorts = await families.cohortsCoordinatedBy(person.id);
      if (cohorts.length === 0) return { outcome: 'none' };
      if (cohorts.length === 1) return { outcome: 'one', vars: { cohort_id: cohorts[0]!.id, cohort_name: cohorts[0]!.name } };
      return { outcome: 'several', vars: { cohort_choices: cohorts.map((c) => ({ id: c.id, label: c.name })) } };
    },
  }),
  defineAction<FamiliesActionDeps>({
    name: 'families.create',
    outcomes: ['created', 'denied'],
    args: actionArgs(['cohort_id', 'family_name', 'child_name', 'birth_date', 'class_name']),
    async run(services, { person, args }) {
      const { families } = services;
      const cohortId = String(args.cohort_id ?? '');
      const cohorts = await families.cohortsCoordinatedBy(person.id);
      if (!cohorts.some((cohort) => cohort.id === cohortId)) return { outcome: 'denied' };
      const { invites } = await families.create(person.id, {
        name: String(args.family_name),
        cohortId,
        children: [{ name: String(args.child_name), birthDate: String(args.birth_date), className: optionalText(args.class_name) }],
      });
      const lines = invites.map((invite) => inviteLine(invite, person, services));
      // The codes are secrets: shown once, never kept in the session, and replaced in the outbox's copy once sent.
      return { outcome: 'created', vars: { expires_at: expiryOf(invites[0]!, person) }, secrets: { invite_list: lines.join('\n\n') } };
    },
  }),
  defineAction<FamiliesActionDeps>({
    name: 'families.belongsSomewhere',
    outcomes: ['yes', 'no'],
    async run({ families }, { person }) {
      return { outcome: (await families.belongsSomewhere(person.id)) ? 'yes' : 'no' };
    },
  }),
  defineAction<FamiliesActionDeps>({
    name: 'families.describeMine',
    outcomes: ['ok', 'none'],
    args: actionArgs([], { family_id: fromVariable.optional() }),
    async run({ families, translate }, { person, args }) {
      // An id the person typed narrows the answer to that family only if they are in it.
      const familyId = typeof args.family_id === 'string' && isUuid(args.family_id) ? args.family_id : undefined;
      const summaries = await families.summariesFor(person.id, familyId);
      if (summaries.length === 0) return { outcome: 'none' };
      return { vars: { family_summary: summaries.map((s) => describe(s, person, translate)).join('\n\n') } };
    },
  }),
];

function describe(family: FamilySummary, person: PersonView, translate: FamiliesActionDeps['translate']): string {
  const children = family.children.map((child) => `${child.name} (${child.birthDate.toISOString().slice(0, 10)})`).join(', ');
  const members = family.members.map((m) => `${m.displayName} · ${translate(person.locale, `families:role.${m.role}`)}`).join('\n');
  return translate(person.locale, 'families:summary', { family_name: family.name, children, members });
}

function optionalText(value: unknown): string | null {
  const text = typeof value === 'string' ? value.trim() : '';
  return text === '' || text === '-' ? null : text;
}

function isUuid(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
}
