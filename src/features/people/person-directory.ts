import type { Clock } from '../../core/clock.js';
import type { PersonView } from '../../core/flow-action.js';
import type { PeopleDirectory } from '../../core/people.js';
import type { Address, InboundMessage } from '../../core/messages.js';
import type { Role } from '../../storage/generated/enums.js';
import type { Database } from '../../storage/prisma.js';

const PERSON_VIEW = { id: true, displayName: true, locale: true, timeZone: true, optedOutAt: true } as const;
/** lastSeenAt only steers which app proactive messages use, so minute-level freshness is plenty. */
const LAST_SEEN_RESOLUTION_MS = 10 * 60_000;

export interface NewPersonDefaults {
  readonly timeZone: string;
  /** Picks the shipped locale closest to the platform's language hint. */
  locale(hint: string | undefined): string;
}

/** Who is writing: a platform identity maps to one person, created on first contact. */
export class PersonDirectory implements PeopleDirectory {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly defaults: NewPersonDefaults,
    /** Channels whose reply window opens with each message: their identities keep `lastInboundAt` to the second. */
    private readonly windowedChannels: ReadonlySet<string> = new Set(),
  ) {}

  /**
   * A known sender wrote (the engine read their identity with the update): writing to the bot again undoes an earlier
   * block; on a channel with a reply window every message counts, elsewhere last seen is kept to the minute.
   */
  async noteSeen(message: InboundMessage, identity: { id: string; lastSeenAt: Date; blockedAt: Date | null }): Promise<void> {
    const now = this.clock.now();
    if (this.windowedChannels.has(message.channel)) {
      await this.db.channelIdentity.update({ where: { id: identity.id }, data: { lastSeenAt: now, lastInboundAt: now, blockedAt: null } });
    } else if (identity.blockedAt || now.getTime() - identity.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
      await this.db.channelIdentity.update({ where: { id: identity.id }, data: { lastSeenAt: now, blockedAt: null } });
    }
  }

  /** The shipped locale a new person starts with, from the platform's hint. */
  localeFor(hint: string | undefined): string {
    return this.defaults.locale(hint);
  }

  async find(personId: string): Promise<PersonView | null> {
    return this.db.person.findUnique({ where: { id: personId }, select: PERSON_VIEW });
  }

  /** The app a person used most recently, and has not blocked the bot on, is where proactive messages go. */
  async addressOf(personId: string): Promise<Address | null> {
    const identity = await this.db.channelIdentity.findFirst({ where: { personId, blockedAt: null }, orderBy: { lastSeenAt: 'desc' } });
    return identity ? { channel: identity.channel, chatId: identity.externalId } : null;
  }

  /** Everyone holding one of `roles` in some family and not opted out, in pages so a large cohort never sits in memory. */
  async *reachableWithRoles(roles: readonly string[], pageSize = 500): AsyncGenerator<string> {
    let after: string | undefined;
    for (;;) {
      const page = await this.db.person.findMany({
        where: { optedOutAt: null, memberships: { some: { role: { in: roles as Role[] } } }, ...(after ? { id: { gt: after } } : {}) },
        select: { id: true },
        orderBy: { id: 'asc' },
        take: pageSize,
      });
      for (const { id } of page) yield id;
      if (page.length < pageSize) return;
      after = page.at(-1)!.id;
    }
  }

  /** A person for a platform identity seen for the first time (the inbound gate decides who may become one). */
  async createSender(message: InboundMessage): Promise<PersonView> {
    // Two first messages can race; the unique (channel, externalId) makes the loser read the winner's row.
    const identity = await this.db.channelIdentity.upsert({
      where: identityKey(message),
      update: {},
      create: {
        channel: message.channel,
        externalId: message.externalId,
        lastSeenAt: this.clock.now(),
        ...(this.windowedChannels.has(message.channel) ? { lastInboundAt: this.clock.now() } : {}),
        person: {
          create: {
            displayName: message.displayName.slice(0, 100) || '—',
            locale: this.defaults.locale(message.languageCode),
            timeZone: this.defaults.timeZone,
          },
        },
      },
      select: { person: { select: PERSON_VIEW } },
    });
    return identity.person;
  }
}

function identityKey(message: InboundMessage): { channel_externalId: { channel: string; externalId: string } } {
  return { channel_externalId: { channel: message.channel, externalId: message.externalId } };
}
