import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { PersonView } from '../../core/flow-action.js';
import type { PeopleDirectory } from '../../core/people.js';
import type { Address, InboundMessage } from '../../core/messages.js';
import type { Role } from '../../storage/generated/enums.js';
import type { Database, SqlPool } from '../../storage/prisma.js';

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
    private readonly sql: SqlPool,
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

  /**
   * A person for a platform identity seen for the first time (the inbound gate decides who may become one), in one
   * statement: it is every new sender's first step. Two first messages can race: the loser's identity insert does
   * nothing, its person is removed again, and the winner's is read.
   */
  async createSender(message: InboundMessage): Promise<PersonView> {
    const now = this.clock.now().toISOString();
    const personId = randomUUID();
    const values = [
      message.channel,
      message.externalId,
      personId,
      message.displayName.slice(0, 100) || '—',
      this.defaults.locale(message.languageCode),
      this.defaults.timeZone,
      now,
      this.windowedChannels.has(message.channel),
    ];
    const { rows } = await this.sql.query<PersonView>({ name: 'kinbridge-create-sender', text: CREATE_SENDER, values });
    if (rows[0]) return rows[0];
    await this.sql.query({ name: 'kinbridge-drop-lost-sender', text: 'DELETE FROM "Person" WHERE "id" = $1::uuid', values: [personId] });
    const { rows: winner } = await this.sql.query<PersonView>({ name: 'kinbridge-create-sender', text: CREATE_SENDER, values: [...values.slice(0, 2), randomUUID(), ...values.slice(3)] });
    if (!winner[0]) throw new Error(`No person for ${message.channel} identity ${message.externalId} after a lost race to create one`);
    return winner[0];
  }
}

/**
 * The sender's person: the existing one, or a new person with this identity ($1 channel, $2 external id, $3 new
 * person's id, $4 name, $5 locale, $6 time zone, $7 now, $8 whether the channel keeps a reply window). No row when
 * another statement created the identity meanwhile. Timestamps are stored as UTC.
 */
const CREATE_SENDER = `
  WITH existing AS (
    SELECT p."id", p."displayName", p."locale", p."timeZone", p."optedOutAt" AT TIME ZONE 'UTC' AS "optedOutAt"
    FROM "ChannelIdentity" AS i JOIN "Person" AS p ON p."id" = i."personId"
    WHERE i."channel" = $1 AND i."externalId" = $2),
  person AS (
    INSERT INTO "Person" ("id", "displayName", "locale", "timeZone", "createdAt", "updatedAt")
    SELECT $3::uuid, $4, $5, $6, $7::timestamptz AT TIME ZONE 'UTC', $7::timestamptz AT TIME ZONE 'UTC'
    WHERE NOT EXISTS (SELECT 1 FROM existing)
    RETURNING "id", "displayName", "locale", "timeZone", NULL::timestamptz AS "optedOutAt"),
  identity AS (
    INSERT INTO "ChannelIdentity" ("id", "channel", "externalId", "personId", "lastSeenAt", "lastInboundAt", "createdAt")
    SELECT gen_random_uuid(), $1, $2, person."id", $7::timestamptz AT TIME ZONE 'UTC',
      CASE WHEN $8::boolean THEN $7::timestamptz AT TIME ZONE 'UTC' END, $7::timestamptz AT TIME ZONE 'UTC'
    FROM person
    ON CONFLICT ("channel", "externalId") DO NOTHING
    RETURNING "personId")
  SELECT person.* FROM person JOIN identity ON identity."personId" = person."id"
  UNION ALL
  SELECT * FROM existing`;

