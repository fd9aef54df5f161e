import type { PersonView } from './flow-action.js';
import type { Address, InboundMessage } from './messages.js';

/** Who people are and where to reach them: the engine's view of the people feature. */
export interface PeopleDirectory {
  /** The person behind an inbound message, created on first contact. */
  resolveSender(message: InboundMessage): Promise<PersonView>;
  find(personId: string): Promise<PersonView | null>;
  /** Where a message nobody asked for goes: the app the person used last and has not blocked, if any. */
  addressOf(personId: string): Promise<Address | null>;
  /** Everyone holding one of `roles` in some family and not opted out. */
  reachableWithRoles(roles: readonly string[]): AsyncIterable<string>;
}
