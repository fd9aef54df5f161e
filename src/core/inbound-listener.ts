import type { PersonView } from './flow-action.js';
import type { InboundMessage } from './messages.js';

/**
 * What a listener did with a message: `answered` when it answered it itself (help numbers, a question of its own),
 * so the flows leave this message alone and the person is not answered twice (a question asked before stays open);
 * `passed` when the flows answer as usual.
 */
export type ListenerVerdict = 'answered' | 'passed';

/** What a sender is here: their roles in families, and `coordinator` when they look after a cohort. */
export type SenderRoles = readonly string[];

/**
 * Hears every message a known person sends, before the flows answer it, in that person's order. A listener may
 * write messages and raise work of its own (safeguarding screens every text); its failure never costs the person
 * their answer.
 */
export interface InboundListener {
  readonly name: string;
  /** Whether it hears someone with these roles (read with their update, at no cost); everyone when absent. */
  hears?(roles: SenderRoles): boolean;
  heard(person: PersonView, message: InboundMessage): Promise<ListenerVerdict>;
}
