import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelRouter } from '../../src/channels/channel-router.js';
import { TelegramChannel } from '../../src/channels/telegram/telegram-channel.js';
import { systemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/logger.js';
import type { Messenger } from '../../src/core/messenger.js';
import { Outbox, type OutboxOptions } from '../../src/messaging/outbox.js';
import { OutboxSealer } from '../../src/messaging/outbox-sealing.js';
import { QueueFactory } from '../../src/infra/queue-factory.js';
import { FakeTelegram } from '../support/fake-telegram.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { testRedisUrl, uniquePrefix } from '../support/test-redis.js';

/** The outbox against real PostgreSQL and Redis, sending through the Telegram adapter to the fake Bot API. */
describe('outbox', () => {
  let telegram: FakeTelegram;
  let database: TestDatabase;
  let redis: Redis;
  let outbox: Outbox;
  let prefix: string;
  let chat = 9_000;

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

  const telegramRouter = (): ChannelRouter =>
    new ChannelRouter([new TelegramChannel({ token: telegram.token, apiRoot: telegram.apiRoot })]);

  /** Starts an outbox sending through the Telegram adapter, unless given another messenger. */
  function startOutbox(options: { claimLeaseMs?: number; messenger?: Messenger; limits?: OutboxOptions['limits'] } = {}): void {
    prefix = uniquePrefix('outbox');
    outbox = new Outbox({
      db: database.prisma,
      sql: database.sql,
      redis,
      queues: new QueueFactory({ redisUrl: testRedisUrl(), prefix, logger: createLogger('silent') }),
      messenger: telegramRouter(),
      clock: systemClock,
      sealer: new OutboxSealer(Buffer.alloc(32, 7)),
      limits: { telegram: { perSecond: 1_000 } },
      logger: createLogger('silent'),
      sweepIntervalMs: 200,
      ...options,
    });
    outbox.start(['telegram']);
  }
  afterEach(() => outbox.close());

  async function settled(): Promise<void> {
    await expect.poll(() => outbox.unsentCount(), { timeout: 20_000, interval: 20 }).toBe(0);
  }
  const texts = (chatId: number): (string | undefined)[] => telegram.sent(chatId).map((m) => m.text);
  const address = (chatId: number) => ({ channel: 'telegram', chatId: String(chatId) });

  it('sends one chat its messages in the order they were written', async () => {
    startOutbox();
    const chatId = ++chat;
    // Written one after another (as one person's turns are), picked up by 32 concurrent workers.
    for (let i = 0; i < 20; i++) await outbox.enqueue({ address: address(chatId), messages: [{ text: `message ${i}` }] });
    await settled();
    expect(texts(chatId)).toEqual(Array.from({ length: 20 }, (_, i) => `message ${i}`));
  });

  // The adapter has no pacing of its own: these limits are all that keeps the bot within Telegram's.
  it("paces the bot and each chat by the channel's limits", async () => {
    startOutbox({ limits: { telegram: { perSecond: 10, perChat: { max: 2, windowMs: 1_000 } } } });
    const chats = Array.from({ length: 25 }, () => ++chat);
    for (const chatId of chats) await outbox.enqueue({ address: address(chatId), messages: [{ text: 'to everyone' }] });
    const talkative = ++chat;
    for (let i = 0; i < 5; i++) await outbox.enqueue({ address: address(talkative), messages: [{ text: `to one ${i}` }] });
    await settled();
    const arrivals = (ids: number[]) => telegram.calls('sendMessage').filter((call) => ids.includes(Number(call.params.chat_id))).map((call) => call.at);
    const span = (times: number[]) => Math.max(...times) - Math.min(...times);
    // 30 messages at 10 a second need at least three one-second windows; 5 to one chat at 2 a second, three.
    expect(span(arrivals([...chats, talkative]))).toBeGreaterThan(900);
    expect(span(arrivals([talkative]))).toBeGreaterThan(900);
    expect(texts(talkative)).toEqual(['to one 0', 'to one 1', 'to one 2', 'to one 3', 'to one 4']);
  });

  it('writes a message once however often the producer retries', async () => {
    startOutbox();
    const chatId = ++chat;
    for (let i = 0; i < 3; i++) await outbox.enqueue({ address: address(chatId), messages: [{ text: 'once' }, { text: 'twice?' }], dedupeKey: 'reminder-42' });
    await settled();
    expect(texts(chatId)).toEqual(['once', 'twice?']);
  });

  it('waits out 429 storms and retries 500s, delivering each message exactly once', async () => {
    startOutbox();
    const chatId = ++chat;
    telegram.failNext('sendMessage', { errorCode: 429, retryAfter: 1 }, 4);
    telegram.failNext('sendMessage', { errorCode: 500, description: 'Internal Server Error' }, 2);
    await outbox.enqueue({ address: address(chatId), messages: [{ text: 'through the storm' }, { text: 'and after it' }] });
    await settled();
    expect(texts(chatId)).toEqual(['through the storm', 'and after it']);
    const rows = await database.prisma.outboxMessage.findMany({ where: { chatId: String(chatId) } });
    expect(rows.every((row) => row.status === 'sent')).toBe(true);
    const statuses = telegram.calls('sendMessage').filter((call) => String(call.params.chat_id) === String(chatId)).map((call) => call.status);
    expect(statuses.filter((status) => status === 429)).toHaveLength(4);
    expect(statuses.filter((status) => status === 500)).toHaveLength(2);
  });

  it('marks a person who blocked the bot, and stops trying', async () => {
    startOutbox();
    const chatId = ++chat;
    const person = await database.prisma.person.create({ data: { displayName: 'Gone', identities: { create: { channel: 'telegram', externalId: String(chatId) } } } });
    telegram.blockChat(chatId);
    await outbox.enqueue({ address: address(chatId), personId: person.id, messages: [{ text: 'hello?' }] });
    await settled();
    const [row] = await database.prisma.outboxMessage.findMany({ where: { chatId: String(chatId) } });
    expect(row).toMatchObject({ status: 'blocked', attempts: 1 });
    const identity = await database.prisma.channelIdentity.findFirstOrThrow({ where: { personId: person.id } });
    expect(identity.blockedAt).toBeInstanceOf(Date);
  });

  it('gives up at once on a message the platform can never take', async () => {
    startOutbox();
    const chatId = ++chat;
    await outbox.enqueue({ address: address(chatId), messages: [{ choices: [{ id: 'a', label: 'A' }] }, { text: 'the next one still goes' }] });
    await settled();
    const rows = await database.prisma.outboxMessage.findMany({ where: { chatId: String(chatId) }, orderBy: { seq: 'asc' } });
    expect(rows.map((row) => row.status)).toEqual(['failed', 'sent']);
    expect(rows[0]!.lastError).toContain('Choices need text');
  });

  it('finishes at once with a message whose row was deleted while it was on the way (retention, /forget)', async () => {
    const chatId = ++chat;
    const telegramChannel = telegramRouter();
    const deletingMidSend: Messenger = {
      deliver: async (to, messages) => {
        await database.prisma.outboxMessage.deleteMany({ where: { chatId: String(chatId) } });
        return telegramChannel.deliver(to, messages);
      },
    };
    startOutbox({ messenger: deletingMidSend });
    await outbox.enqueue({ address: address(chatId), messages: [{ text: 'the last words of a moment' }] });
    const jobs = new Queue('outbox-telegram', { connection: { url: testRedisUrl() }, prefix });
    try {
      // Waiting out a "database outage" would keep the job active for a minute, and hold up shutdown with it.
      await expect.poll(() => texts(chatId), { timeout: 5_000, interval: 20 }).toEqual(['the last words of a moment']);
      // Completed jobs are removed: none left in any state means it finished, and was not put back for a retry.
      await expect.poll(() => jobs.getJobCounts('active', 'wait', 'delayed', 'failed'), { timeout: 5_000, interval: 20 }).toEqual({ active: 0, wait: 0, delayed: 0, failed: 0 });
    } finally {
      await jobs.close();
    }
    expect(await database.prisma.outboxMessage.count({ where: { chatId: String(chatId) } })).toBe(0);
  });

  it('recovers messages whose jobs Redis lost, and messages of a worker that died mid-send', async () => {
    startOutbox({ claimLeaseMs: 300 });
    await outbox.close();
    const chatId = ++chat;
    // Written while no worker runs, then every job of this outbox wiped, as a Redis restart without persistence would.
    await outbox.enqueue({ address: address(chatId), messages: [{ text: 'survives Redis' }] });
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    // And one claimed by a worker that was killed before it could say whether it was sent.
    await database.prisma.outboxMessage.create({
      data: { channel: 'telegram', chatId: String(chatId), payload: { text: 'claimed by the dead' }, status: 'sending', claimedAt: new Date(Date.now() - 1_000) },
    });
    startOutbox({ claimLeaseMs: 300 });
    await settled();
    expect(texts(chatId)).toEqual(['survives Redis', 'claimed by the dead']);
    const resent = await database.prisma.outboxMessage.findMany({ where: { chatId: String(chatId), resentAfterCrash: true } });
    expect(resent.map((row) => (row.payload as { text: string }).text)).toEqual(['claimed by the dead']);
  });
});
