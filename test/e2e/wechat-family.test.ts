import exifr from 'exifr';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasText, type FakeTelegram, type FakeUser } from '../support/fake-telegram.js';
import { createFlowWorkspace } from '../support/flow-workspace.js';
import { jpegWithGps, mediaTags, taggedOggVoice } from '../support/media-fixtures.js';
import { MockWechat, type Said } from '../support/mock-wechat.js';
import { startTelegramTestApp, type TelegramTestApp } from '../support/telegram-test-app.js';
import type { SeededFamily } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';
import { testRedisUrl } from '../support/test-redis.js';

/** A play reminder as a content author would write it: started for one person by the scheduler. */
const PLAY_REMINDER = `
id: play-reminder
steps:
  - id: show
    ask:
      text: test:play_now
      type: choice
      choices: [{ id: done, text: test:done }, { id: later, text: test:later }]
      into: answer
  - id: thanks
    end: { text: test:thanks }
`;

/**
 * One family on two apps: a grandmother in Hechi on WeChat (wechaty-puppet-mock) and a father in Milan on Telegram
 * (fake Bot API), through the real engine, outbox, scheduler and media store.
 */
describe('a family across WeChat and Telegram', () => {
  const wechat = new MockWechat();
  const redis = new Redis(testRedisUrl());
  const clock = new TestClock(new Date('2026-11-23T10:00:00Z'));
  const father: FakeUser = { id: 8001, firstName: 'Wei', languageCode: 'en' };
  const grandmother = wechat.person('奶奶');
  let telegram: FakeTelegram;
  let t: TelegramTestApp;
  let family: SeededFamily;

  beforeAll(async () => {
    const workspace = createFlowWorkspace(
      { 'play-reminder.yaml': PLAY_REMINDER },
      {
        'zh-CN': { play_now: '今天和小明玩“找颜色”的游戏吧！', done: '玩过了', later: '晚一点', thanks: '太好了，谢谢您！' },
        en: { play_now: 'Time to play "find the colour" with Xiaoming!', done: 'We played', later: 'Later', thanks: 'Wonderful, thank you!' },
      },
    );
    t = await startTelegramTestApp({
      channels: [wechat.channel(redis)],
      clock,
      reminderSweepEveryMs: 0,
      flowsDir: workspace.flowsDir,
      localesDir: workspace.localesDir,
    });
    telegram = t.telegram;
    wechat.login();
    family = await t.seedFamily();
  });
  afterAll(async () => {
    await t.close();
    redis.disconnect();
  });

  const text = (fragment: string) => (said: Said) => said.text?.includes(fragment) ?? false;

  it('lets a grandmother join on WeChat with an invite code, answering choices by number', async () => {
    wechat.says(grandmother, `/start ${family.codes.caregiver}`);
    const language = await wechat.nextSaid(grandmother, text('您想用哪种话'));
    expect(language.text).toBe('您想用哪种话？\n\n1. 中文\n2. English');
    wechat.says(grandmother, '1');
    await wechat.nextSaid(grandmother, text('您现在住在哪个城市'));
    wechat.says(grandmother, '河池');
    const quiet = await wechat.nextSaid(grandmother, text('什么时候不要给您发消息'));
    expect(quiet.text).toContain('\n\n1. 晚上10点到早上7点\n2. 晚上9点到早上8点\n3. 什么时候都可以');
    wechat.says(grandmother, '晚上9点到早上8点'); // a label works as well as its number
    // A grandmother is not asked about photos: only parents decide.
    await wechat.nextSaid(grandmother, text('都设好了'));
    expect(wechat.textsTo(grandmother)).toContain('欢迎您！您加入了Wang family，是在家带孩子的家人。');

    const person = await t.database.prisma.person.findFirstOrThrow({ where: { identities: { some: { channel: 'wechat', externalId: grandmother.id } } } });
    expect(person).toMatchObject({ displayName: '奶奶', locale: 'zh-CN', timeZone: 'Asia/Shanghai' });
  });

  it('lets the father join on Telegram, and the grandmother hears about it on WeChat', async () => {
    await t.onboardOnTelegram(father, family.codes.parent, { language: 'English', city: 'Milan', quietHours: '10 pm to 7 am', photos: 'Yes, share with family' });
    await telegram.nextSent(father.id, hasText('How many calls a week'));
    await wechat.waitForSaid(grandmother, text('Wei加入了您的家庭，是孩子爸爸妈妈'));
  });

  it('brings the grandmother a scheduled reminder on WeChat', async () => {
    const person = await t.database.prisma.person.findFirstOrThrow({ where: { identities: { some: { channel: 'wechat' } } } });
    await t.app.services.reminders.schedule([
      { subject: `play:${person.id}`, occurrence: 'week-48', personId: person.id, flowId: 'play-reminder', at: { instant: new Date('2026-11-23T11:00:00Z') } },
    ]);
    clock.set('2026-11-23T11:00:00Z'); // 19:00 in Hechi, outside her quiet hours
    expect(await t.app.reminders.sweep()).toBe(1);
    const reminder = await wechat.nextSaid(grandmother, text('找颜色'));
    expect(reminder.text).toBe('今天和小明玩“找颜色”的游戏吧！\n\n1. 玩过了\n2. 晚一点');
    wechat.says(grandmother, '1');
    await wechat.nextSaid(grandmother, text('太好了，谢谢您！'));
  });

  /** Other features may ask a new member more (a day for play reminders…): she takes the first option of each. */
  async function answerOpenQuestions(): Promise<void> {
    for (;;) {
      await expect.poll(() => t.app.outbox.unsentCount({ channel: 'wechat', chatId: grandmother.id }), { timeout: 10_000 }).toBe(0);
      const last = wechat.textsTo(grandmother).at(-1) ?? '';
      if (!/\n1\. /.test(last)) return;
      wechat.says(grandmother, '1');
      await wechat.nextSaid(grandmother);
    }
  }

  it('relays her photo to the father on Telegram without its GPS position, and his answers back to WeChat', async () => {
    await answerOpenQuestions();
    wechat.sendsPhoto(grandmother, await jpegWithGps());
    const photo = await telegram.waitForSent(father.id, (m) => m.method === 'sendPhoto');
    expect(photo.caption).toMatch(/^From 奶奶 \(caregiver\), about Xiaoming · /);
    expect(await exifr.gps(Buffer.from((photo.file as { data: Uint8Array }).data))).toBeUndefined();
    await wechat.waitForSaid(grandmother, text('发给Xiaoming的爸爸妈妈了（1 人）。❤️'));

    const [heart, answer] = photo.replyMarkup!.inline_keyboard!.flat();
    telegram.userTapsButton(father, heart!.callback_data!);
    await wechat.nextSaid(grandmother, text('Wei发来了 ❤️'));
    telegram.userTapsButton(father, answer!.callback_data!);
    await telegram.nextSent(father.id, hasText('Send your answer to 奶奶'));
    telegram.userSendsVoice(father, { bytes: taggedOggVoice() });
    await wechat.nextSaid(grandmother, text('Wei回复了一条语音'));
    const voice = await wechat.waitForSaid(grandmother, (said) => said.file !== undefined);
    // His voice, without the tags his recorder app wrote.
    expect(voice.file!.name).toMatch(/\.(ogg|opus)$/);
    expect(mediaTags(voice.file!.bytes).filter((tag) => !tag.startsWith('encoder='))).toEqual([]);
  });

  it('ignores a WeChat group: nobody in it becomes a person or gets an answer', async () => {
    const cousin = wechat.person('表哥');
    const room = wechat.mocker.createRoom({ topic: '王家群', memberIdList: [cousin.id, grandmother.id, wechat.accountId] });
    cousin.say(`/start ${family.codes.teacher}`).to(room);
    wechat.says(grandmother, '/help');
    await wechat.nextSaid(grandmother);
    expect(wechat.saidTo(cousin)).toEqual([]);
    expect(await t.database.prisma.channelIdentity.count({ where: { externalId: cousin.id } })).toBe(0);
  });
});
