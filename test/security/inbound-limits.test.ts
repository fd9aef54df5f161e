import { PassThrough, Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WechatChannel } from '../../src/channels/wechat/wechat-channel.js';
import { createLogger } from '../../src/core/logger.js';
import { senderKey } from '../../src/engine/sender-key.js';
import { SendPacer } from '../../src/messaging/send-pacer.js';
import { createFlowWorkspace } from '../support/flow-workspace.js';
import { MockWechat } from '../support/mock-wechat.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';
import { testRedisUrl } from '../support/test-redis.js';

const ASK_CODE = 'Hello! I am Kinbridge. I help families who live apart stay close to their children. To begin, please send the invite code you received from your kindergarten or coordinator (15 digits).';
const SLOW_DOWN = 'You are sending many messages quickly, so I am taking a short break from reading them. Please wait a minute, then write again.';

/** Log lines as objects, to count what the bot says it ignored. */
function capturedLogger(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

describe('inbound limits: strangers and floods', () => {
  const log = capturedLogger();
  let t: TestApp;
  let family: SeededFamily;

  beforeAll(async () => {
    t = await startTestApp({ logger: log.logger, strangerRepliesPerDay: 60 });
    family = await t.seedFamily();
  });
  afterAll(() => t.close());

  const peopleAndIdentities = async () => [await t.database.prisma.person.count(), await t.database.prisma.channelIdentity.count()];

  it("answers a stranger's flood of 300 messages once and stores nothing about them", async () => {
    const before = await peopleAndIdentities();
    for (let i = 0; i < 300; i++) await t.channel.say('stranger', `cheap watches ${i}`);
    await t.app.settled();
    expect(t.channel.textsTo('stranger')).toEqual([ASK_CODE]);
    expect(await peopleAndIdentities()).toEqual(before);
    expect(await t.database.prisma.outboxMessage.count({ where: { chatId: 'stranger' } })).toBe(1);
    expect(log.lines.filter((line) => line.msg === 'inbound flood: messages from one sender ignored').map((line) => line.dropped)).toEqual([1, 100, 200]);
  });

  it('lets 50 strangers create no person, each answered once', async () => {
    const before = await peopleAndIdentities();
    for (let i = 0; i < 50; i++) {
      await t.channel.say(`passer-by-${i}`, 'hi');
      await t.channel.say(`passer-by-${i}`, '/help');
    }
    await t.app.settled();
    expect(await peopleAndIdentities()).toEqual(before);
    for (let i = 0; i < 50; i++) expect(t.channel.textsTo(`passer-by-${i}`)).toEqual([ASK_CODE]);
  });

  it('makes a stranger a person only with a valid invite code, sent on its own or after /start', async () => {
    const [people] = await peopleAndIdentities();
    expect(await t.channel.say('newcomer', 'hello?')).toEqual([ASK_CODE]);
    expect(await t.database.prisma.person.count()).toBe(people);
    const joined = await t.channel.say('newcomer', family.codes.caregiver.replace(/(\d{5})/g, '$1 '));
    expect(joined[0]).toBe('Welcome to the family "Wang family" as caregiver!');
    expect(await t.database.prisma.person.count()).toBe(people! + 1);
  });

  it("gives a stranger guessing codes one answer, and after five wrong codes not even a right one lets them in", async () => {
    const [people] = await peopleAndIdentities();
    for (let i = 0; i < 5; i++) await t.channel.say('guesser', `/start 11111111111111${i}`);
    await t.channel.say('guesser', `/start ${family.codes.teacher}`);
    await t.app.settled();
    expect(t.channel.textsTo('guesser')).toEqual(["That code doesn't work. Please check the digits and send it again."]);
    expect(await t.database.prisma.person.count()).toBe(people);
  });

  it('stops answering strangers once the day budget of the channel is spent', async () => {
    // Answered so far: the flooding stranger, 50 passers-by, the newcomer and the guesser; the budget is 60.
    for (let i = 0; i < 12; i++) await t.channel.say(`late-${i}`, 'hi');
    await t.app.settled();
    expect(Array.from({ length: 12 }, (_, i) => t.channel.textsTo(`late-${i}`).length)).toEqual([...Array(7).fill(1), ...Array(5).fill(0)]);
  });

  it('tells a member who floods the bot once why it went quiet, then stays silent', async () => {
    await t.onboard('mama', family.codes.parent, { locale: 'en', city: 'Milan', quiet: 'none', consent: 'consent_yes' });
    const before = t.channel.textsTo('mama').length;
    for (let i = 0; i < 300; i++) await t.channel.say('mama', `hello ${i}`);
    await t.app.settled();
    const answers = t.channel.textsTo('mama').slice(before);
    expect(answers.filter((text) => text === SLOW_DOWN)).toHaveLength(1);
    expect(answers.at(-1)).toBe(SLOW_DOWN);
    expect(answers.length).toBeLessThanOrEqual(21);
  });
});

const REMINDER = `
id: test-reminder
steps:
  - id: remind
    end: { text: test:play_now }
`;

describe('inbound limits on WeChat: a flood does not spend the families’ day', () => {
  const wechat = new MockWechat();
  const redis = new Redis(testRedisUrl());
  const clock = new TestClock(new Date('2026-11-23T10:00:00Z'));
  const grandmother = wechat.person('奶奶');
  const stranger = wechat.person('广告');
  const uncle = wechat.person('舅舅');
  let t: TestApp;

  beforeAll(async () => {
    const workspace = createFlowWorkspace({ 'test-reminder.yaml': REMINDER }, { 'zh-CN': { play_now: '今天和小明玩“找颜色”的游戏吧！' }, en: { play_now: 'Play time!' } });
    const pacing = { minIntervalMs: 0, jitterMs: 0, dailyCap: 20, timeZone: 'Asia/Shanghai', dayStartsAtHour: 8, maxHoldMs: 2_000 };
    t = await startTestApp({
      channels: [new WechatChannel({ puppet: wechat.puppet, pacer: new SendPacer(redis, `test-pacer-flood-${process.pid}-${Date.now()}`, pacing), qrOutput: new PassThrough() })],
      clock,
      reminderSweepEveryMs: 0,
      flowsDir: workspace.flowsDir,
      localesDir: workspace.localesDir,
    });
    wechat.login();
  });
  afterAll(async () => {
    await t.close();
    redis.disconnect();
  });

  /** A member known on WeChat, as after onboarding (which would itself use the small daily cap of this test). */
  async function member(contactId: string, name: string, familyId: string): Promise<string> {
    const person = await t.database.prisma.person.create({
      data: { displayName: name, locale: 'zh-CN', identities: { create: { channel: 'wechat', externalId: contactId, lastSeenAt: clock.now() } } },
    });
    await t.database.prisma.familyMember.create({ data: { familyId, personId: person.id, role: 'caregiver' } });
    return person.id;
  }

  /**
   * Every message of a flood has been handled once the journal marks them all handled, and no turn is running.
   * (`settled()` does not fit: the relative's replies past his share wait in his chat's queue.)
   */
  async function flood(contact: ReturnType<MockWechat['person']>, count: number): Promise<void> {
    for (let i = 0; i < count; i++) wechat.says(contact, `消息 ${i}`);
    const handled = { senderKey: senderKey({ channel: 'wechat', externalId: contact.id }), handledAt: { not: null } };
    await expect.poll(() => t.database.prisma.inboundUpdate.count({ where: handled }), { timeout: 30_000 }).toBe(count);
    await expect.poll(() => t.app.engine.busy, { timeout: 20_000 }).toBe(false);
  }

  it('still brings a grandmother her reminder after a stranger and a relative each sent 300 messages', async () => {
    const family = await t.seedFamily();
    const grandmotherId = await member(grandmother.id, '奶奶', family.familyId);
    await member(uncle.id, '舅舅', family.familyId);
    const people = await t.database.prisma.person.count();

    await flood(stranger, 300);
    await flood(uncle, 300);
    await wechat.waitForSaid(stranger, () => true);
    expect(await t.database.prisma.person.count()).toBe(people);

    await t.app.services.reminders.schedule([
      { subject: `play:${grandmotherId}`, occurrence: 'week-48', personId: grandmotherId, flowId: 'test-reminder', at: { instant: new Date('2026-11-23T11:00:00Z') } },
    ]);
    clock.set('2026-11-23T11:00:00Z');
    expect(await t.app.reminders.sweep()).toBe(1);
    const reminder = await wechat.nextSaid(grandmother, (said) => said.text?.includes('找颜色') ?? false);
    expect(reminder.text).toBe('今天和小明玩“找颜色”的游戏吧！');
    // The relative's own chat used at most its share of the day (20 × 0.2); the rest waits for tomorrow.
    expect(wechat.textsTo(uncle).length).toBeLessThanOrEqual(4);
    expect(wechat.textsTo(stranger)).toHaveLength(1);
  });
});
