import type { PersonView } from './flow-action.js';
import type { Address } from './messages.js';

/** Who people are and where to reach them: the engine's view of the people feature. */
export interface PeopleDirectory {
  find(personId: string): Promise<PersonView | null>;
  /** Where a message nobody asked for goes: the app the person used last and has not blocked, if any. */
  addressOf(personId: string): Promise<Address | null>;
  /** Everyone holding one of `roles` in some family and not opted out. */
  reachableWithRoles(roles: readonly string[]): AsyncIterable<string>;
}

/** What an invite code typed by a stranger would do now: let them join, or why not. */
export type StrangerCodeCheck = 'valid' | 'invalid' | 'expired' | 'used' | 'not_a_code' | 'rate_limited';
