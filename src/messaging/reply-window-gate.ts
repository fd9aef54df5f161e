import type { Clock } from '../core/clock.js';
import type { Database } from '../storage/prisma.js';
import type { Address, OutboundMessage } from '../core/messages.js';
import type { MessageTemplates } from './message-templates.js';

/** What may go to a person right now: the message itself, the template standing in for it, or nothing yet (and why). */
export type GateDecision = { readonly kind: 'send'; readonly message: OutboundMessage } | { readonly kind: 'hold'; readonly reason: string };

/**
 * A channel that lets the bot write freely only for a while after the person's last message (WhatsApp: 24 hours).
 * Inside the window a message goes as it is; outside, the approved template for its kind and the reader's language
 * goes instead, its variables filled from the message's purpose; without one the message is held.
 */
export class ReplyWindowGate {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly windowMs: number,
    private readonly templates: MessageTemplates,
  ) {}

  /** `templateRequired`: the platform already said the window is closed, whatever our records say. */
  async decide(address: Address, message: OutboundMessage, templateRequired: boolean): Promise<GateDecision> {
    const identity = await this.db.channelIdentity.findUnique({
      where: { channel_externalId: { channel: address.channel, externalId: address.chatId } },
      select: { lastInboundAt: true, person: { select: { locale: true } } },
    });
    if (!templateRequired && identity?.lastInboundAt && this.isOpen(identity.lastInboundAt)) return { kind: 'send', message };
    const choice = this.templates.choose(message.purpose, identity?.person.locale ?? 'und');
    if (choice.kind === 'none') return { kind: 'hold', reason: `outside the reply window and ${choice.reason}` };
    return { kind: 'send', message: { template: choice.message } };
  }

  /** Open while the last message is younger than the window, less a minute for the platform's clock and the send itself. */
  private isOpen(lastInboundAt: Date): boolean {
    return this.clock.now().getTime() - lastInboundAt.getTime() < this.windowMs - 60_000;
  }
}
