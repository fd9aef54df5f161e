import type { PersonView } from './flow-action.js';
import type { InboundMessage } from './messages.js';

/**
 * Hears every message a known person sends, before the flows answer it, in that person's order. A listener may
 * write messages and raise work of its own (safeguarding screens every text); it never changes what the flows do
 * with the message, and its failure never costs the person their answer.
 */
export interface InboundListener {
  readonly name: string;
  heard(person: PersonView, message: InboundMessage): Promise<void>;
}
