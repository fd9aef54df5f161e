import type { Logger } from 'pino';
import type { PersonView } from '../core/flow-action.js';
import type { SenderRoles } from '../core/inbound-listener.js';
import type { InboundMessage } from '../core/messages.js';
import type { OutboxWriter } from '../core/outbox-writer.js';
import type { StrangerCodeCheck } from '../core/people.js';
import type { InboundFloodLimiter } from './inbound-flood-limiter.js';
import { parseCommand } from './parse-command.js';
import { senderKey } from './sender-key.js';
import type { StrangerReplies } from './stranger-replies.js';

/** A message the engine should handle, from this person (a stranger's bare code arrives as `/start <code>`). */
export interface Admitted {
  readonly person: PersonView;
  readonly message: InboundMessage;
}

/** A sender the bot knows, as read with their update (see TurnReader): their identity's bookkeeping, and who they are. */
export interface KnownSender {
  readonly identity: { readonly id: string; readonly lastSeenAt: Date; readonly blockedAt: Date | null };
  readonly person: PersonView;
  readonly roles: SenderRoles;
}

/** Decides who is heard: undefined means the message was answered here, or not at all. */
export interface InboundAdmission {
  /** `known`: the sender as read with the update, null for someone the bot does not know. */
  admit(message: InboundMessage, known: KnownSender | null): Promise<Admitted | undefined>;
}

export interface SenderDirectory {
  /** A known sender wrote again: what that changes on their identity (last seen, a block undone, a reply window). */
  noteSeen(message: InboundMessage, identity: KnownSender['identity']): Promise<void>;
  createSender(message: InboundMessage): Promise<PersonView>;
  /** The shipped locale closest to a platform's language hint. */
  localeFor(hint: string | undefined): string;
}

export interface StrangerInvites {
  /** Whether `typed` would let someone join now; wrong codes count against `guesser`'s guess budget. */
  checkStrangerCode(guesser: string, typed: string): Promise<StrangerCodeCheck>;
}

export interface InboundGateDependencies {
  readonly senders: SenderDirectory;
  readonly invites: StrangerInvites;
  readonly flood: InboundFloodLimiter;
  readonly strangerReplies: StrangerReplies;
  readonly outbox: OutboxWriter;
  readonly translate: (locale: string, key: string, vars?: Record<string, unknown>) => string;
  readonly logger: Logger;
  /** Anyone who writes becomes a person, code or not (flow tests, demos); otherwise only a valid invite code does. */
  readonly welcomeStrangers: boolean;
}

/** The one answer a stranger gets, by what their message held. */
const STRANGER_ANSWER: Readonly<Record<'invalid' | 'expired' | 'used' | 'not_a_code', string>> = {
  not_a_code: 'onboarding:stranger_ask_code',
  invalid: 'onboarding:wrong_code',
  expired: 'onboarding:expired_code',
  used: 'onboarding:used_code',
};

/** Commands that carry an invite code. */
const JOIN_COMMANDS = new Set(['start', 'join']);
/** Ignored messages are logged on the first and then every this many, so a flood is counted without flooding logs. */
const LOG_EVERY_DROPPED = 100;

/**
 * In front of the engine: a sender over the inbound limit gets one kind notice, then silence; someone the bot does
 * not know is not stored (no Person row) until they present a valid invite code, and gets at most one answer.
 */
export class InboundGate implements InboundAdmission {
  constructor(private readonly deps: InboundGateDependencies) {}

  async admit(message: InboundMessage, known: KnownSender | null): Promise<Admitted | undefined> {
    const sender = senderKey(message);
    const flood = await this.deps.flood.count(sender);
    if (flood.over) {
      await this.turnAwayFlood(message, known, flood.dropped);
      return undefined;
    }
    if (known) {
      await this.deps.senders.noteSeen(message, known.identity);
      return { person: known.person, message };
    }
    if (this.deps.welcomeStrangers) return { person: await this.deps.senders.createSender(message), message };
    return this.meetStranger(message, sender);
  }

  private async turnAwayFlood(message: InboundMessage, known: KnownSender | null, dropped: number): Promise<void> {
    if (dropped === 1 || dropped % LOG_EVERY_DROPPED === 0) {
      this.deps.logger.warn({ channel: message.channel, dropped }, 'inbound flood: messages from one sender ignored');
    }
    if (dropped !== 1) return;
    // A stranger has had their one answer already; a known person is told once why the bot went quiet.
    if (!known) return;
    const { person } = known;
    const text = this.deps.translate(person.locale, 'common:slow_down', { person_name: person.displayName });
    await this.deps.outbox.enqueue({ address: { channel: message.channel, chatId: message.chatId }, personId: person.id, messages: [{ text }] });
  }

  private async meetStranger(message: InboundMessage, sender: string): Promise<Admitted | undefined> {
    const typed = codeCandidate(message);
    const check = typed === undefined ? 'not_a_code' : await this.deps.invites.checkStrangerCode(sender, typed);
    if (check === 'valid') return { person: await this.deps.senders.createSender(message), message: asJoinCommand(message, typed ?? '') };
    if (check === 'rate_limited') {
      this.deps.logger.info({ channel: message.channel }, 'stranger not answered: too many wrong invite codes');
      return undefined;
    }
    const decision = await this.deps.strangerReplies.decide(message.channel, sender);
    if (decision !== 'reply') {
      this.deps.logger.info({ channel: message.channel, reason: decision }, 'stranger not answered');
      return undefined;
    }
    const locale = this.deps.senders.localeFor(message.languageCode);
    const text = this.deps.translate(locale, STRANGER_ANSWER[check]);
    // No personId: the outbox sends messages to strangers after everyone else's.
    await this.deps.outbox.enqueue({ address: { channel: message.channel, chatId: message.chatId }, messages: [{ text }] });
    return undefined;
  }
}

/** What might be an invite code: the argument of /start or /join, or a plain text as a whole. */
function codeCandidate(message: InboundMessage): string | undefined {
  if (message.content.kind !== 'text') return undefined;
  const text = message.content.text.trim();
  const command = parseCommand(text);
  if (!command) return text;
  return JOIN_COMMANDS.has(command.name) && command.args ? command.args : undefined;
}

/** A code sent on its own is what `/start <code>` says: the onboarding flow redeems it. */
function asJoinCommand(message: InboundMessage, code: string): InboundMessage {
  if (message.content.kind === 'text' && parseCommand(message.content.text.trim())) return message;
  return { ...message, content: { kind: 'text', text: `/start ${code}` } };
}
