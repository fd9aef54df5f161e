import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';
import { testRedisUrl } from '../support/test-redis.js';

const DAY = 24 * 3600_000;
/** A name no fixture uses, so finding it anywhere means it was left behind. */
const NAME = 'Zhuoxuanbaba';

describe('what the outbox keeps, and what /forget leaves behind', () => {
  // The outbox stamps sentAt on the real clock; this one starts there and moves ahead.
  const clock = new TestClock(new Date());
  let t: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    t = await startTestApp({ clock, outboxRedactionDays: 7 });
    redis = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });

  const payloadsTo = async (chatId: string): Promise<string> =>
    JSON.stringify((await t.database.prisma.outboxMessage.findMany({ where: { chatId }, select: { payload: true } })).map((row) => row.payload));

  it('removes the words of sent messages after the configured days, and only of those', async () => {
    await t.app.outbox.enqueue({ address: { channel: 'memory', chatId: 'mama' }, messages: [{ text: 'Xiaoming took his first steps today' }] });
    await t.channel.settle('mama');
    clock.advance(6 * DAY);
    await t.app.outboxRedaction.sweep();
    expect(await payloadsTo('mama')).toContain('first steps');
    const waiting = new Date(clock.now().getTime() + 30 * DAY);
    await t.app.outbox.enqueue({ address: { channel: 'memory', chatId: 'later' }, messages: [{ text: 'Not sent yet' }], notBefore: waiting });
    clock.advance(2 * DAY);
    expect(await t.app.outboxRedaction.sweep()).toBeGreaterThanOrEqual(1);
    expect(await payloadsTo('mama')).toBe('[{"redacted":true}]');
    expect(await payloadsTo('later')).toContain('Not sent yet');
  });

  it('deletes every trace of a person on /forget, in every table and Redis key', async () => {
    // Codes of the family seeded before the clock moved on have expired: a stranger with one would not become a person.
    const family = await t.seedFamily('Zhou family');
    await t.channel.say('zx', `/start ${family.codes.parent}`);
    await t.database.prisma.person.updateMany({ where: { identities: { some: { externalId: 'zx' } } }, data: { displayName: NAME } });
    // Others' stored messages name them: a reply relayed to the grandmother, and one still waiting.
    await t.app.outbox.enqueue({ address: { channel: 'memory', chatId: 'nainai' }, messages: [{ text: `${NAME} says: thank you!` }] });
    await t.channel.settle('nainai');
    await t.app.outbox.enqueue({ address: { channel: 'memory', chatId: 'nainai' }, messages: [{ text: `${NAME} sent a heart` }], notBefore: new Date(Date.now() + DAY) });

    // Their coordinators were told they had not called, and of what they wrote once: the item stays, their name and words go.
    const parent = await t.database.prisma.person.findFirstOrThrow({ where: { displayName: NAME } });
    const child = await t.database.prisma.child.findFirstOrThrow({ where: { familyId: family.familyId } });
    const { id: itemId } = await t.app.services.attention.raise({
      kind: 'missed_calls',
      familyId: family.familyId,
      childId: child.id,
      subjectPersonId: parent.id,
      details: { person_name: NAME, child_name: 'Xiaoming', weeks: 3 },
      excerpt: `I am ${NAME} and I am tired`,
    });

    await t.channel.say('zx', '/forget');
    expect(await t.channel.tap('zx', 'forget')).toEqual([expect.stringContaining('Everything about you has been deleted')]);
    // The goodbye went; its stored row no longer says where.
    expect(await t.database.prisma.outboxMessage.count({ where: { chatId: 'zx' } })).toBe(0);

    expect(await tablesNaming(NAME)).toEqual([]);
    expect(await t.database.prisma.attentionItem.findUniqueOrThrow({ where: { id: itemId }, select: { details: true, excerpt: true, childId: true } })).toEqual({
      details: { child_name: 'Xiaoming', weeks: 3 },
      excerpt: null,
      childId: child.id,
    });
    expect(await tablesNaming('"zx"')).toEqual([]);
    expect(await redisKeysNaming(NAME)).toEqual([]);
  });

  it("clears on /forget the words safeguarding holds in Redis: the end of their last message and an open offer", async () => {
    const family = await t.seedFamily('Qian family');
    await t.channel.say('qian', `/start ${family.codes.parent}`);
    const person = await t.database.prisma.person.findFirstOrThrow({ where: { identities: { some: { externalId: 'qian' } } } });
    const recent = `${t.redisPrefix}:safeguarding:recent:${person.id}`;
    const offer = `${t.redisPrefix}:safeguarding:offer:${person.id}`;
    // A milder worry: asked whether someone should contact them, the question left open; the words wait in Redis.
    await t.channel.say('qian', 'I can’t cope any more, nobody helps me');
    await t.app.settled();
    expect(await redis.get(offer)).toContain('nobody helps me');
    expect(await redis.get(recent)).toContain('nobody helps me');

    await t.channel.say('qian', '/forget');
    expect(await t.channel.tap('qian', 'forget')).toEqual([expect.stringContaining('Everything about you has been deleted')]);
    expect(await redis.exists(recent, offer)).toBe(0);
    expect(await redisKeysNaming('nobody helps me')).toEqual([]);
  });

  /** Every table of the database whose rows, as text, contain `needle`. */
  async function tablesNaming(needle: string): Promise<string[]> {
    const tables = await t.database.prisma.$queryRaw<{ name: string }[]>`
      SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
    const naming: string[] = [];
    for (const { name } of tables) {
      const [row] = await t.database.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${name}" AS r WHERE r::text LIKE $1`, `%${needle}%`);
      if (row!.n > 0n) naming.push(name);
    }
    return naming;
  }

  /** Every Redis key of this app whose name or value contains `needle`. */
  async function redisKeysNaming(needle: string): Promise<string[]> {
    const keys = await redis.keys(`${t.redisPrefix}*`);
    const naming: string[] = [];
    for (const key of keys) {
      const type = await redis.type(key);
      const value =
        type === 'string' ? await redis.get(key)
        : type === 'hash' ? JSON.stringify(await redis.hgetall(key))
        : type === 'list' ? JSON.stringify(await redis.lrange(key, 0, -1))
        : type === 'zset' ? JSON.stringify(await redis.zrange(key, '0', '-1'))
        : type === 'set' ? JSON.stringify(await redis.smembers(key))
        : '';
      if (key.includes(needle) || (value ?? '').includes(needle)) naming.push(key);
    }
    return naming;
  }
});
