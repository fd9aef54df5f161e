import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATE_LIMITED, type FakeWhatsApp, type WhatsAppUser } from '../support/fake-whatsapp.js';
import { createFlowWorkspace } from '../support/flow-workspace.js';
import { jpegWithGps } from '../support/media-fixtures.js';
import { MockWechat, type Said } from '../support/mock-wechat.js';
import type { SeededFamily } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';
import { testRedisUrl } from '../support/test-redis.js';
import { saying, startWhatsAppTestApp, type WhatsAppTestApp } from '../support/whatsapp-test-app.js';

/** A play reminder as the scheduler starts it: a proactive message of kind play_reminder with the template's variables. */
const PLAY_REMINDER = `
id: wa-play-reminder
message_kind: play_reminder
steps:
  - id: prepare
    set: { child_name: Xiaoming, title: Find the colour }
  - id: ask
    ask:
      text: test:play_now
      type: choice
      choices: [{ id: done, text: test:done }, { id: later, text: test:later }]
      into: answer
  - id: thanks
    end: { text: test:thanks }
`;

/** A proactive message of no kind: no template can stand in for it. */
const NOTICE = `
id: wa-notice
steps:
  - id: say
    end: { text: test:notice }
`;

const DAY_MS = 24 * 3600_000;

/**
 * A mother in Milan on WhatsApp (the fake Cloud API, which calls the bot's signed webhook) and a grandmother in Hechi
 * on WeChat (wechaty-puppet-mock), through the real engine, outbox, scheduler and media store.
 */
describe('WhatsApp through the Cloud API', () => {
  const clock = new TestClock(new Date('2026-11-23T10:00:00Z'));
  const wechat = new MockWechat();
  const grandmother = wechat.person('奶奶');
  const mother: WhatsAppUser = { waId: '393331234567', name: 'Maria' };
  const redis = new Redis(testRedisUrl());
  let t: WhatsAppTestApp;
  let whatsapp: FakeWhatsApp;
  let family: SeededFamily;
  let occurrence = 0;

  beforeAll(async () => {
    const workspace = createFlowWorkspace(
      { 'wa-play-reminder.yaml': PLAY_REMINDER, 'wa-notice.yaml': NOTICE },
      {
        'zh-CN': { play_now: '今天和小明玩“找颜色”吧！', done: '玩过了', later: '晚一点', thanks: '太好了！', notice: '通知：下周家长会。' },
        en: { play_now: 'Time to play "find the colour" with Xiaoming!', done: 'We played', later: 'Later', thanks: 'Wonderful!', notice: 'Notice: parents meeting next week.' },
      },
    );
    t = await startWhatsAppTestApp({
      clock,
      channels: [wechat.channel(redis)],
      reminderSweepEveryMs: 0,
      flowsDir: workspace.flowsDir,
      localesDir: workspace.localesDir,
    });
    whatsapp = t.whatsapp;
    wechat.login();
    family = await t.seedFamily();
  });
  afterAll(async () => {
    await t.close();
    redis.disconnect();
  });

  const motherIdentity = () => t.database.prisma.channelIdentity.findUniqueOrThrow({ where: { channel_externalId: { channel: 'whatsapp', externalId: mother.waId } } });
  const latestRowTo = (user: WhatsAppUser) => t.database.prisma.outboxMessage.findFirstOrThrow({ where: { channel: 'whatsapp', chatId: user.waId }, orderBy: { seq: 'desc' } });

  async function remind(flowId: string): Promise<void> {
    const { personId } = await motherIdentity();
    occurrence += 1;
    await t.app.services.reminders.schedule([{ subject: `wa:${flowId}`, occurrence: String(occurrence), personId, flowId, at: { instant: clock.now() } }]);
    expect(await t.app.reminders.sweep()).toBe(1);
  }

  it("answers Meta's verification handshake only with the verify token", async () => {
    const verify = (token: string) => fetch(`${whatsapp.webhookUrl}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`);
    const right = await verify(whatsapp.credentials.verifyToken);
    expect([right.status, await right.text()]).toEqual([200, '1158201444']);
    expect((await verify('guessed-token')).status).toBe(403);
  });

  it('onboards a mother on WhatsApp with reply buttons, a list for long labels and typed answers', async () => {
    await t.onboardOnWhatsApp(mother, family.codes.parent, { city: 'Milan', quietHours: '10 pm to 7 am', photos: 'Yes, share with family' });
    const language = whatsapp.sentTo(mother).find(saying('您想用哪种话'))!;
    expect(language).toMatchObject({ type: 'interactive', interactive: 'button' });
    expect(language.options!.map((option) => option.title)).toEqual(['中文', 'English']);
    const photos = whatsapp.sentTo(mother).find(saying('May photos'))!;
    expect(photos.interactive).toBe('list'); // "Yes, share with family" is longer than a button's 20 characters
    await whatsapp.nextSent(mother, saying('How many calls a week'));

    const person = await t.database.prisma.person.findFirstOrThrow({ where: { identities: { some: { channel: 'whatsapp', externalId: mother.waId } } } });
    expect(person).toMatchObject({ displayName: 'Maria', locale: 'en', timeZone: 'Europe/Rome' });
    expect((await motherIdentity()).lastInboundAt).toEqual(clock.now());
    expect(whatsapp.refusedOutsideWindow).toEqual([]);
  });

  it('records the delivery statuses WhatsApp reports on the outbox row', async () => {
    await t.app.settled();
    await expect.poll(async () => (await latestRowTo(mother)).deliveryStatus).toBe('delivered');
    const row = await latestRowTo(mother);
    expect(row.platformMessageIds).toHaveLength(1);
    expect(whatsapp.sent.map((message) => message.id)).toContain(row.platformMessageIds[0]);
  });

  it('refuses a forged webhook without processing it', async () => {
    const stranger: WhatsAppUser = { waId: '40722000111', name: 'Forger' };
    const body = whatsapp.payload({
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550001111', phone_number_id: whatsapp.credentials.phoneNumberId },
      contacts: [{ profile: { name: stranger.name }, wa_id: stranger.waId }],
      messages: [{ from: stranger.waId, id: 'wamid.forged-1', timestamp: '1795000000', type: 'text', text: { body: `/start ${family.codes.teacher}` } }],
    });
    expect((await whatsapp.postWebhook(body, `sha256=${'0'.repeat(64)}`)).status).toBe(401);
    expect((await whatsapp.postWebhook(body, '')).status).toBe(401);
    await t.app.settled();
    expect(await t.database.prisma.channelIdentity.count({ where: { externalId: stranger.waId } })).toBe(0);
    expect(whatsapp.sentTo(stranger)).toEqual([]);
  });

  it('handles a message WhatsApp delivers twice only once', async () => {
    const before = whatsapp.sentTo(mother).length;
    expect(await whatsapp.userSays(mother, '/help', 'wamid.help-once')).toBe(200);
    await whatsapp.waitForSent(mother, () => true, { from: before });
    await t.app.settled();
    const answered = whatsapp.sentTo(mother).length;
    expect(await whatsapp.userSays(mother, '/help', 'wamid.help-once')).toBe(200);
    await t.app.settled();
    expect(whatsapp.sentTo(mother).length).toBe(answered);
  });

  it('sends a reminder inside the 24-hour window as itself, with reply buttons', async () => {
    clock.advance(3_600_000);
    await remind('wa-play-reminder');
    const reminder = await whatsapp.nextSent(mother, saying('find the colour'));
    expect(reminder.options!.map((option) => option.title)).toEqual(['We played', 'Later']);
    const before = whatsapp.sentTo(mother).length;
    await whatsapp.userTaps(mother, reminder, 'We played');
    await whatsapp.waitForSent(mother, saying('Wonderful!'), { from: before });
  });

  it('sends a reminder outside the window as the approved template, its variables filled, in her language', async () => {
    clock.advance(2 * DAY_MS);
    await remind('wa-play-reminder');
    const template = await whatsapp.nextSent(mother, (message) => message.type === 'template');
    expect(template.template).toEqual({ name: 'kinbridge_play_reminder', language: 'en', parameters: ['Xiaoming', 'Find the colour'] });
    await t.app.settled();
    expect(await latestRowTo(mother)).toMatchObject({ status: 'sent', templateRequired: false });
    expect(whatsapp.refusedOutsideWindow).toEqual([]);
  });

  it('holds a message of no kind outside the window, and sends it when she writes again', async () => {
    const before = whatsapp.sentTo(mother).length;
    await remind('wa-notice');
    await t.app.settled();
    const held = await latestRowTo(mother);
    expect(held.status).toBe('held');
    expect(held.lastError).toMatch(/outside the reply window/);
    expect(whatsapp.sentTo(mother).length).toBe(before);

    await whatsapp.userSays(mother, 'hello');
    await whatsapp.waitForSent(mother, saying('Notice: parents meeting next week.'), { from: before });
    await t.app.settled();
    expect((await t.database.prisma.outboxMessage.findUniqueOrThrow({ where: { id: held.id } })).status).toBe('sent');
  });

  it('sends again as a template when WhatsApp reports that the window had closed (131047)', async () => {
    clock.advance(3_600_000);
    whatsapp.setLastMessageAt(mother, new Date(clock.now().getTime() - 2 * DAY_MS)); // WhatsApp knows better than our records
    await remind('wa-play-reminder');
    const template = await whatsapp.nextSent(mother, (message) => message.type === 'template');
    expect(template.template?.name).toBe('kinbridge_play_reminder');
    expect(whatsapp.refusedOutsideWindow.map((message) => message.text)).toEqual(['Time to play "find the colour" with Xiaoming!']);
    await t.app.settled();
    expect(await latestRowTo(mother)).toMatchObject({ status: 'sent', templateRequired: true });
    await whatsapp.userSays(mother, 'ok'); // her window opens again for what follows
    await t.app.settled();
  });

  it("relays a grandmother's photo from WeChat to the mother on WhatsApp, and her ❤️ back", async () => {
    const text = (fragment: string) => (said: Said) => said.text?.includes(fragment) ?? false;
    wechat.says(grandmother, `/start ${family.codes.caregiver}`);
    await wechat.nextSaid(grandmother, text('您想用哪种话'));
    wechat.says(grandmother, '1');
    await wechat.nextSaid(grandmother, text('您现在住在哪个城市'));
    wechat.says(grandmother, '河池');
    await wechat.nextSaid(grandmother, text('什么时候不要给您发消息'));
    wechat.says(grandmother, '3');
    await wechat.waitForSaid(grandmother, text('都设好了'));
    await t.app.settled();
    while (/\n1\. /.test(wechat.textsTo(grandmother).at(-1) ?? '')) {
      wechat.says(grandmother, '1'); // what else joining asks her (a day for play reminders…): the first option
      await t.app.settled();
    }

    const before = whatsapp.sentTo(mother).length;
    wechat.sendsPhoto(grandmother, await jpegWithGps());
    const photo = await whatsapp.waitForSent(mother, (message) => message.type === 'image', { from: before });
    expect(whatsapp.uploadedIds).toContain(photo.mediaId);
    expect(whatsapp.files.get(photo.mediaId!)!.mimeType).toBe('image/jpeg');
    const buttons = await whatsapp.waitForSent(mother, saying('From 奶奶 (caregiver), about Xiaoming'), { from: before });
    expect(buttons.options!.map((option) => option.title)).toEqual(['❤️', '💬 Answer']);
    const said = wechat.saidTo(grandmother).length;
    await whatsapp.userTaps(mother, buttons, '❤️');
    await wechat.waitForSaid(grandmother, text('Maria发来了 ❤️'), { from: said });
  });

  it('waits out a storm of rate limits (130429) and sends each message once', async () => {
    await t.app.settled();
    const calls = whatsapp.messageCalls;
    whatsapp.failNext(RATE_LIMITED, 6);
    const before = whatsapp.sentTo(mother).length;
    await whatsapp.userSays(mother, '/help');
    await whatsapp.waitForSent(mother, () => true, { from: before });
    await t.app.settled();
    expect(whatsapp.messageCalls - calls).toBe(6 + whatsapp.sentTo(mother).length - before);
    const texts = whatsapp.sentTo(mother).slice(before).map((message) => message.text);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('holds a reminder whose template WhatsApp refuses (132001), and sends it as itself when she writes again', async () => {
    clock.advance(2 * DAY_MS);
    const before = whatsapp.sentTo(mother).length;
    whatsapp.failNext({ httpStatus: 400, code: 132001, message: 'Template name does not exist in the translation' });
    await remind('wa-play-reminder');
    await t.app.settled();
    const held = await latestRowTo(mother);
    expect(held).toMatchObject({ status: 'held', lastError: expect.stringContaining('Template name does not exist') });
    expect(whatsapp.sentTo(mother).length).toBe(before);

    await whatsapp.userSays(mother, 'hi');
    await whatsapp.waitForSent(mother, saying('Time to play "find the colour" with Xiaoming!'), { from: before });
    await t.app.settled();
    expect((await t.database.prisma.outboxMessage.findUniqueOrThrow({ where: { id: held.id } })).status).toBe('sent');
  });
});
