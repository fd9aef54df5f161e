import { DateTime } from 'luxon';
import type { PersonView } from '../../core/flow-action.js';
import type { FamiliesActionDeps } from './families-ports.js';
import { formatInviteCode } from './invite-code.js';
import type { IssuedInvite } from './invites.js';

/** "Parent: ABCD-EFGH" and, where the platform has one, the link that redeems it in one tap. */
export function inviteLine(invite: IssuedInvite, person: PersonView, { inviteLink, translate }: Pick<FamiliesActionDeps, 'inviteLink' | 'translate'>): string {
  const link = inviteLink(invite.code);
  const role = translate(person.locale, `families:role.${invite.role}`);
  return `${role}: ${formatInviteCode(invite.code)}${link ? `\n${link}` : ''}`;
}

/** When an invite stops working, on the coordinator's own clock and in their language. */
export function expiryOf(invite: IssuedInvite, person: PersonView): string {
  return DateTime.fromJSDate(invite.expiresAt, { zone: person.timeZone }).setLocale(person.locale).toLocaleString(DateTime.DATETIME_MED);
}
