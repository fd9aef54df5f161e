import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import type { InboundMessage } from '../../src/core/messages.js';
import { PersonDirectory } from '../../src/features/people/person-directory.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** Who is writing: the first message of a platform identity creates its person, once, however messages race. */
describe('PersonDirectory.createSender', () => {
  let database: TestDatabase;
  let directory: PersonDirectory;
  const now = new Date('2026-11-30T12:00:00Z');
  const clock: Clock = { now: () => now };
  let nextId = 7_000;

  beforeAll(async () => {
    database = await createTestDatabase();
    directory = new PersonDirectory(database.prisma, database.sql, clock, { timeZone: 'Europe/Rome', locale: (hint) => (hint?.startsWith('zh') ? 'zh-CN' : 'en') }, new Set(['whatsapp']));
  });
  afterAll(() => database.drop());

  const firstMessage = (channel: string, externalId: string, displayName: string): InboundMessage => ({
    channel,
    chatId: externalId,
    externalId,
    displayName,
    languageCode: 'zh-hans',
    content: { kind: 'text', text: '你好' },
  });

  it('creates the person with the identity, in the language the platform hints and the default zone', async () => {
    const externalId = String(++nextId);
    const person = await directory.createSender(firstMessage('telegram', externalId, '王奶奶'));
    expect(person).toMatchObject({ displayName: '王奶奶', locale: 'zh-CN', timeZone: 'Europe/Rome', optedOutAt: null });
    const identity = await database.prisma.channelIdentity.findUniqueOrThrow({ where: { channel_externalId: { channel: 'telegram', externalId } } });
    expect(identity).toMatchObject({ personId: person.id, lastSeenAt: now, lastInboundAt: null });
  });

  it('opens the reply window on a channel that keeps one', async () => {
    const externalId = String(++nextId);
    await directory.createSender(firstMessage('whatsapp', externalId, 'Ana'));
    const identity = await database.prisma.channelIdentity.findUniqueOrThrow({ where: { channel_externalId: { channel: 'whatsapp', externalId } } });
    expect(identity.lastInboundAt).toEqual(now);
  });

  it('gives an identity it knows its existing person', async () => {
    const externalId = String(++nextId);
    const first = await directory.createSender(firstMessage('telegram', externalId, 'Li'));
    await database.prisma.person.update({ where: { id: first.id }, data: { optedOutAt: now, displayName: 'Li Wei' } });
    expect(await directory.createSender(firstMessage('telegram', externalId, 'Li'))).toEqual({ ...first, displayName: 'Li Wei', optedOutAt: now });
  });

  it('makes one person of first messages that race, and leaves no person without an identity', async () => {
    const externalId = String(++nextId);
    const before = await database.prisma.person.count();
    const people = await Promise.all(Array.from({ length: 12 }, () => directory.createSender(firstMessage('telegram', externalId, 'Zhang'))));
    expect(new Set(people.map((person) => person.id)).size).toBe(1);
    expect(await database.prisma.person.count()).toBe(before + 1);
    expect(await database.prisma.person.count({ where: { identities: { none: {} } } })).toBe(0);
  });
});
