import type { SharedPorts } from '../shared-ports.js';
import type { FamiliesProvides } from '../families/families-ports.js';

export type PeopleDeps = Pick<SharedPorts, 'db' | 'clock' | 'reminders' | 'events' | 'supportedLocales' | 'translate'> & Pick<FamiliesProvides, 'families' | 'commandMenus'>;

/** People's actions change the person themself; nothing for other features. */
export type PeopleProvides = Record<never, never>;

export type PeopleActionDeps = PeopleDeps & PeopleProvides;
