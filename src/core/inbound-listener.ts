import type { PersonView } from './flow-action.js';
import type { InboundMessage } from './messages.js';

/**
 * What a listener did with a message: `answered` when it answered it itself (help numbers, a question of its own),
 * so the flows leave this message alone and the person is not answered twice (a question asked before stays open);
 * `passed` when the flows answer as usual.
 */
export type ListenerVerdict = 'answered' | 'passed';

/**
 * Hears every message a known person sends, before the flows answer it, in that person's order. A listener may
 * write messages and raise work of its own (safeguarding screens every text); its failure never costs the person
 * their answer.
 */
export interface InboundListener {
  readonly name: string;
  heard(person: PersonView, message: InboundMessage): Promise<ListenerVerdict>;
}
