import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelRouter } from '../../src/channels/channel-router.js';
import { TelegramChannel } from '../../src/channels/telegram/telegram-channel.js';
import { systemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/logger.js';
import type { Messenger } from '../../src/core/messenger.js';
import type { SendLimits } from '../../src/messaging/chat-window-limiter.js';
import { Outbox } from '../../src/messaging/outbox.js';
import { OutboxSealer } from '../../src/messaging/outbox-sealing.js';
import { QueueFactory } from '../../src/infra/queue-factory.js';
import { FakeTelegram } from '../support/fake-telegram.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { testRedisUrl, uniquePrefix } from '../support/test-redis.js';

/**
 * Broadcast rows: written by PostgreSQL from a query of recipients (`enqueueSelected`), sent by the bulk sender in
 * claimed batches instead of a BullMQ job each, under the same rules as every other message.
 */
describe('outbox: broadcasts in bulk', () => {
  let telegram: FakeTelegram;
  let database: TestDatabase;
  let redis: Redis;
  let outbox: Outbox;
  let chat = 50_000;

  beforeAll(async () => {
    telegram = await FakeTelegram.start();
    database = await createTestDatabase();
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    redis.disconnect();
    await database.drop();
    await telegram.close();
  });
  afterEach(() => outbox.close());

  function startOutbox(options: { limits?: Record<string, SendLimits>; messenger?: Messenger } = {}): void {
    const prefix = uniquePrefix('outbox-bulk');
    outbox = new Outbox({
      db: database.prisma,
      sql: database.sql,
      redis,
      queues: new QueueFactory({ redisUrl: testRedisUrl(), prefix, logger: createLogger('silent') }),
      messenger: new ChannelRouter([new TelegramChannel({ token: telegram.token, apiRoot: telegram.apiRoot })]),
      clock: systemClock,
      sealer: new OutboxSealer(Buffer.alloc(32, 7)),
      limits: options.limits ?? { telegram: { perSecond: 1_000 } },
      logger: createLogger('silent'),
      sweepIntervalMs: 200,
      ...(options.messenger ? { messenger: options.messenger } : {}),
    });
    outbox.start(['telegram']);
  }

  async function settled(): Promise<void> {
    await expect.poll(() => outbox.unsentCount(), { timeout: 20_000, interval: 20 }).toBe(0);
  }
  const texts = (chatId: number): (string | undefined)[] => telegram.sent(chatId).map((m) => m.text);

  /** People on Telegram, one chat each. */
  async function people(count: number): Promise<{ id: string; chatId: number }[]> {
    return Promise.all(
      Array.from({ length: count }, async () => {
        const chatId = ++chat;
        const person = await database.prisma.person.create({ data: { displayName: `Reader ${chatId}`, identities: { create: { channel: 'telegram', externalId: String(chatId) } } } });
        return { id: person.id, chatId };
      }),
    );
  }

  /** One broadcast to `readers`, selected by a query as the broadcasts feature selects its audience. */
  function broadcast(broadcastId: string, readers: readonly { id: string }[], text: string): Promise<number> {
    return outbox.enqueueSelected({
      query: `
        SELECT p."id" AS "personId", c."channel", c."externalId" AS "chatId", 'en' AS "variant", NULL::timestamptz AS "notBefore"
        FROM "Person" AS p JOIN "ChannelIdentity" AS c ON c."personId" = p."id"
        WHERE p."id" = ANY($3::uuid[]) AND ($1::uuid IS NULL OR p."id" > $1::uuid)
        ORDER BY p."id" LIMIT $2`,
      values: [readers.map((reader) => reader.id)],
      messages: { en: { text } },
      fallbackVariant: 'en',
      dedupeKey: `broadcast:${broadcastId}`,
      broadcastId,
    });
  }

  it('writes each recipient one row however often the fan-out runs, and sends each one message', async () => {
    startOutbox();
    const readers = await people(40);
    const broadcastId = randomUUID();
    // The first run stopped after a part of its audience (a crash midway); the second writes the rest only.
    expect(await broadcast(broadcastId, readers.slice(0, 15), 'Closed on Friday')).toBe(15);
    expect(await broadcast(broadcastId, readers, 'Closed on Friday')).toBe(40);
    expect(await broadcast(broadcastId, readers, 'Closed on Friday')).toBe(40);
    await settled();
    const rows = await database.prisma.outboxMessage.groupBy({ by: ['personId'], where: { broadcastId }, _count: true });
    expect(rows).toHaveLength(40);
    expect(rows.every((row) => row._count === 1)).toBe(true);
    expect(readers.map((reader) => texts(reader.chatId))).toEqual(readers.map(() => ['Closed on Friday']));
    // No BullMQ job per recipient: every row was claimed from the table.
    expect(await database.prisma.outboxMessage.count({ where: { broadcastId, status: 'sent' } })).toBe(40);
  });

  it("keeps a chat's order: a broadcast waits behind an older message of the chat still unsent", async () => {
    startOutbox();
    const [reader] = await people(1);
    await outbox.enqueue({ address: { channel: 'telegram', chatId: String(reader!.chatId) }, messages: [{ text: 'the older reply' }], notBefore: new Date(Date.now() + 500) });
    await broadcast(randomUUID(), [reader!], 'the newer broadcast');
    await settled();
    expect(texts(reader!.chatId)).toEqual(['the older reply', 'the newer broadcast']);
  });

  it('waits out 429 storms and retries 500s, delivering to each recipient exactly once', async () => {
    startOutbox();
    const readers = await people(20);
    telegram.failNext('sendMessage', { errorCode: 429, retryAfter: 1 }, 4);
    telegram.failNext('sendMessage', { errorCode: 500, description: 'Internal Server Error' }, 2);
    const broadcastId = randomUUID();
    await broadcast(broadcastId, readers, 'through the storm');
    await settled();
    expect(readers.map((reader) => texts(reader.chatId))).toEqual(readers.map(() => ['through the storm']));
    expect(await database.prisma.outboxMessage.count({ where: { broadcastId, status: 'sent' } })).toBe(20);
    const chats = new Set(readers.map((reader) => String(reader.chatId)));
    const statuses = telegram.calls('sendMessage').filter((call) => chats.has(String(call.params.chat_id))).map((call) => call.status);
    expect(statuses.filter((status) => status === 429)).toHaveLength(4);
    expect(statuses.filter((status) => status === 500)).toHaveLength(2);
  });

  it('marks a recipient who blocked the bot, and stops trying', async () => {
    startOutbox();
    const [gone, still] = await people(2);
    telegram.blockChat(gone!.chatId);
    const broadcastId = randomUUID();
    await broadcast(broadcastId, [gone!, still!], 'hello?');
    await settled();
    const rows = await database.prisma.outboxMessage.findMany({ where: { broadcastId }, orderBy: { chatId: 'asc' } });
    expect(rows.map((row) => [row.chatId, row.status, row.attempts])).toEqual([
      [String(gone!.chatId), 'blocked', 1],
      [String(still!.chatId), 'sent', 1],
    ]);
    expect((await database.prisma.channelIdentity.findFirstOrThrow({ where: { personId: gone!.id } })).blockedAt).toBeInstanceOf(Date);
  });

  it('keeps neither the words nor the chat of a message to someone erased while it was on the way', async () => {
    const router = new ChannelRouter([new TelegramChannel({ token: telegram.token, apiRoot: telegram.apiRoot })]);
    const [erased] = await people(1);
    const erasingMidSend: Messenger = {
      deliver: async (to, messages) => {
        await database.prisma.person.deleteMany({ where: { id: erased!.id } });
        return router.deliver(to, messages);
      },
    };
    startOutbox({ messenger: erasingMidSend });
    const broadcastId = randomUUID();
    await broadcast(broadcastId, [erased!], 'goodbye');
    await settled();
    const [row] = await database.prisma.outboxMessage.findMany({ where: { broadcastId } });
    expect(row).toMatchObject({ status: 'sent', chatId: '(forgotten)', personId: null, payload: { redacted: true } });
  });

  // The bulk sender takes its slots from the same counters as the queue: the channel's limits hold for broadcasts too.
  it("paces a broadcast by the channel's limit", async () => {
    startOutbox({ limits: { telegram: { perSecond: 10 } } });
    const readers = await people(25);
    await broadcast(randomUUID(), readers, 'paced');
    await settled();
    const chats = new Set(readers.map((reader) => String(reader.chatId)));
    const arrivals = telegram.calls('sendMessage').filter((call) => chats.has(String(call.params.chat_id))).map((call) => call.at);
    // 25 messages at 10 a second need at least three one-second windows.
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThan(900);
  });
});
