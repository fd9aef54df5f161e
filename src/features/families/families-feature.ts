import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { CommandMenus } from '../people/command-menus.js';
import { RedisInviteGuessGuard } from './invite-guess-guard.js';
import { createFamilyServices } from './family-services.js';
import type { FamiliesDeps, FamiliesProvides } from './families-ports.js';
import { familyActions } from './family-actions.js';
import { FAMILY_EVENTS } from './family-events.js';
import { freeTextActions } from './free-text-actions.js';
import { inviteActions } from './invite-actions.js';

/** The families feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const familiesFeature = defineFeature<FamiliesDeps, FamiliesProvides>({
  feature: 'families',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: [...Object.values(FAMILY_EVENTS)],
  readsChoices: [],
  actions: [...familyActions, ...inviteActions, ...freeTextActions],
  create(deps) {
    const guard = new RedisInviteGuessGuard(deps.redis, deps.keyPrefix, deps.settings.guessLimits);
    const { invites, families } = createFamilyServices({ db: deps.db, clock: deps.clock, guard, inviteTtlHours: deps.settings.inviteTtlHours, inviteCodeKey: deps.inviteCodeKey });
    const commandMenus = new CommandMenus({
      db: deps.db,
      channels: deps.commandMenuChannels,
      roleOf: (personId) => families.mainRoleOf(personId),
      translate: deps.translate,
      locales: deps.supportedLocales,
      fallbackLocale: 'en',
      logger: deps.logger,
    });
    return { provides: { invites, families, commandMenus } };
  },
});
