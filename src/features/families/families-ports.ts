import type { FeatureSettings, SharedPorts } from '../shared-ports.js';
import type { CommandMenus } from '../people/command-menus.js';
import type { FamilyService } from './families.js';
import type { InviteService } from './invites.js';

export type FamiliesDeps = Pick<SharedPorts, 'db' | 'clock' | 'redis' | 'keyPrefix' | 'inviteCodeKey' | 'events' | 'translate' | 'supportedLocales' | 'logger' | 'commandMenuChannels' | 'inviteLink'> & {
  readonly settings: Pick<FeatureSettings, 'inviteTtlHours' | 'guessLimits'>;
};

export interface FamiliesProvides {
  readonly invites: InviteService;
  readonly families: FamilyService;
  /** The command menu (Telegram's "/" button) of a person's chats, for their role in their family and language. */
  readonly commandMenus: CommandMenus;
}

export type FamiliesActionDeps = FamiliesDeps & FamiliesProvides;
