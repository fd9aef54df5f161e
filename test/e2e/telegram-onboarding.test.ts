import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramChannel } from '../../src/channels/telegram/telegram-channel.js';
import { FakeTelegram, type FakeUser } from '../support/fake-telegram.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';

/** What a Telegram user sees, from /start with a deep link to the end of onboarding, over HTTP on loopback. */
describe('onboarding on Telegram (fake Bot API)', () => {
  let telegram: FakeTelegram;
  let channel: TelegramChannel;
  let t: TestApp;
  let family: SeededFamily;
  const father: FakeUser = { id: 5001, firstName: 'Wei', languageCode: 'en' };
  const grandmother: FakeUser = { id: 5002, firstName: '奶奶', languageCode: 'zh-hans' };

  beforeAll(async () => {
    telegram = await FakeTelegram.start();
    channel = new TelegramChannel({ token: telegram.token, apiRoot: telegram.apiRoot });
    t = await startTestApp({ channels: [channel], inviteLink: (code) => channel.deepLink(code) });
    family = await t.seedFamily();
  });
  afterAll(async () => {
    await t.close();
    await telegram.close();
  });

  it('walks a father through onboarding with inline keyboards', async () => {
    telegram.userSays(father, `/start ${family.codes.parent}`);
    const language = await telegram.nextSent(father.id, (m) => m.replyMarkup !== undefined);
    expect(language.text).toBe('Which language should I use?');
    const buttons = language.replyMarkup!.inline_keyboard!.flat();
    expect(buttons.map((b) => b.text)).toEqual(['中文', 'English']);

    telegram.userTapsButton(father, buttons[1]!.callback_data!);
    await telegram.nextSent(father.id, (m) => m.text?.startsWith('Which city') ?? false);
    telegram.userSays(father, 'Milan');
    const quiet = await telegram.nextSent(father.id, (m) => m.text === 'When should I never send you messages?');
    telegram.userTapsButton(father, quiet.replyMarkup!.inline_keyboard!.flat()[0]!.callback_data!);
    const consent = await telegram.nextSent(father.id, (m) => m.text?.startsWith('May photos') ?? false);
    telegram.userTapsButton(father, consent.replyMarkup!.inline_keyboard!.flat()[1]!.callback_data!);
    await telegram.nextSent(father.id, (m) => m.text === 'All set! Send /help at any time to see what I can do.');

    const texts = telegram.sent(father.id).map((m) => m.text);
    expect(texts).toContain('Understood. No photos of Xiaoming will be shared.');
    expect(telegram.answeredCallbackQueries.length).toBeGreaterThanOrEqual(3);
    const person = await t.database.prisma.person.findFirstOrThrow({ where: { identities: { some: { channel: 'telegram', externalId: String(father.id) } } } });
    expect(person).toMatchObject({ displayName: 'Wei', timeZone: 'Europe/Rome', locale: 'en' });
  });

  it('greets a grandmother in Chinese and survives malformed and unsupported updates', async () => {
    telegram.userSendsRaw({ update_id: 999_001, message: { message_id: 1, date: 0, chat: { id: grandmother.id, type: 'private' } } });
    telegram.userSendsRaw({ update_id: 999_002, message: { message_id: 2, date: 0, from: { id: grandmother.id, is_bot: false, first_name: '奶奶', language_code: 'zh-hans' }, chat: { id: grandmother.id, type: 'private' }, sticker: { file_id: 'x', file_unique_id: 'y', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } } });
    // She is not known yet: her one answer asks for the code, in her language.
    const askCode = await telegram.nextSent(grandmother.id);
    expect(askCode.text).toBe('您好！我是亲情桥。孩子爸爸妈妈在外地，我帮你们一家常联系。请发您的邀请码，是幼儿园或者老师给您的，一共15个数字。');
    telegram.userSays(grandmother, `/start ${family.codes.caregiver}`);
    const welcome = await telegram.nextSent(grandmother.id, (m) => m.text?.includes('欢迎') ?? false);
    expect(welcome.text).toBe('欢迎您！您加入了Wang family，是在家带孩子的家人。');
    // The father, who joined first, hears about her on Telegram.
    const news = await telegram.nextSent(father.id, (m) => m.text?.includes('奶奶') ?? false);
    expect(news.text).toBe('奶奶 has joined your family as caregiver.');
    await t.app.settled();
    // Her "/" menu offers a grandmother's few commands, in Chinese.
    expect(telegram.commandMenus.get(`chat:${grandmother.id}`)?.map((c) => c.command)).toEqual(['share', 'play', 'talked', 'family', 'settings', 'forget', 'stop', 'help']);
    expect(telegram.commandMenus.get(`chat:${grandmother.id}`)?.[0]?.description).toBe('给孩子爸爸妈妈发照片、语音、文字');
  });

  it('sets the command menu per app language for newcomers, and per chat by role and language once they join', async () => {
    expect(telegram.commandMenus.get('default')).toEqual([
      { command: 'start', description: 'join a family with an invite code' },
      { command: 'language', description: 'change language' },
      { command: 'help', description: 'what I can do' },
    ]);
    expect(telegram.commandMenus.get('default:zh')?.map((c) => c.description)).toEqual(['用邀请码加入家庭', '换一种话', '看看我能做什么']);
    expect(telegram.commandMenus.get(`chat:${father.id}`)?.map((c) => c.command)).toEqual(['calls', 'talked', 'moved', 'family', 'privacy', 'settings', 'forget', 'stop', 'help']);
    expect(telegram.commandMenus.get(`chat:${father.id}`)?.[0]?.description).toBe('plan calls with your child');
  });

  it('gives coordinators invite deep links for Telegram', async () => {
    const coordinator: FakeUser = { id: 5003, firstName: 'Ms Lan', languageCode: 'en' };
    const cohort = await t.database.prisma.cohort.create({ data: { name: `Pudong ${t.redisPrefix}` } });
    const invite = await t.app.services.invites.issue({ role: 'coordinator', cohortId: cohort.id });
    telegram.userSays(coordinator, `/start ${invite.code}`);
    await telegram.nextSent(coordinator.id, (m) => m.text?.includes('coordinator of Pudong') ?? false);
    for (const answer of ['/newfamily', 'Zhang family', 'Lele', '2022-02-02', 'Sunflower class']) {
      telegram.userSays(coordinator, answer);
      await telegram.nextSent(coordinator.id);
    }
    const created = telegram.sent(coordinator.id).at(-1)!.text!;
    expect(created).toContain('Family "Zhang family" is registered');
    const link = /https:\/\/t\.me\/\w+\?start=(\d{15})/.exec(created);
    expect(link).not.toBeNull();
    const child = await t.database.prisma.child.findFirstOrThrow({ where: { name: 'Lele' } });
    expect(child.className).toBe('Sunflower class');
    const mother: FakeUser = { id: 5004, firstName: 'Mei', languageCode: 'en' };
    telegram.userSays(mother, `/start ${link![1]}`);
    const joined = await telegram.nextSent(mother.id);
    expect(joined.text).toBe('Welcome to the family "Zhang family" as parent!');
  });
});
