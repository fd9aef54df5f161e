import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramChannel } from '../../src/channels/telegram/telegram-channel.js';
import { FakeTelegram, type FakeUser, type SentMessage } from '../support/fake-telegram.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

/** A father in Milan and a grandmother in Hechi, over the fake Bot API: a plan in both local times, a nudge, a call, a summary. */
describe('calls on Telegram (fake Bot API)', () => {
  let telegram: FakeTelegram;
  let t: TestApp;
  let family: SeededFamily;
  const clock = new TestClock(new Date('2026-11-23T10:00:00Z'));
  const father: FakeUser = { id: 6001, firstName: 'Wei', languageCode: 'en' };
  const grandmother: FakeUser = { id: 6002, firstName: '奶奶', languageCode: 'zh-hans' };

  beforeAll(async () => {
    telegram = await FakeTelegram.start();
    const channel = new TelegramChannel({ token: telegram.token, apiRoot: telegram.apiRoot, throttle: { out: { maxConcurrent: 1, minTime: 0 } } });
    // Telegram's per-chat pace would only make the test slow; the outbox's own tests cover it.
    t = await startTestApp({ channels: [channel], clock, reminderSweepEveryMs: 0, sendLimits: { telegram: { perSecond: 1000 } } });
    family = await t.seedFamily();
  });
  afterAll(async () => {
    await t.close();
    await telegram.close();
  });

  const hasText = (fragment: string) => (m: SentMessage) => (m.text ?? '').includes(fragment);
  function tapLabel(user: FakeUser, message: SentMessage, label: string): void {
    const button = message.replyMarkup!.inline_keyboard!.flat().find((b) => b.text === label);
    expect(button, `button "${label}"`).toBeDefined();
    telegram.userTapsButton(user, button!.callback_data!);
  }
  async function answer(user: FakeUser, waitFor: string, reply: { label?: string; text?: string }): Promise<SentMessage> {
    const question = await telegram.waitForSent(user.id, hasText(waitFor));
    if (reply.label) tapLabel(user, question, reply.label);
    else telegram.userSays(user, reply.text!);
    return question;
  }

  it('proposes times in both local times, nudges the father, logs "We talked ✓" and sums the week up', async () => {
    telegram.userSays(grandmother, `/start ${family.codes.caregiver}`);
    await answer(grandmother, '您想用哪种语言', { label: '中文' });
    await answer(grandmother, '您现在住在哪个城市', { text: '河池' });
    await answer(grandmother, '什么时间段不要给您发消息', { label: '21:00 – 08:00' });
    await telegram.waitForSent(grandmother.id, hasText('照片'));

    telegram.userSays(father, `/start ${family.codes.parent}`);
    await answer(father, 'Which language', { label: 'English' });
    await answer(father, 'Which city', { text: 'Milan' });
    await answer(father, 'When should I never send you messages?', { label: '22:00 – 07:00' });
    await answer(father, 'May photos', { label: 'Yes, share with family' });
    await answer(father, 'How many calls a week', { label: 'Once a week' });
    const proposal = await answer(father, 'These times suit both of you', { label: 'Yes, remind me' });
    expect(proposal.text).toContain('• Sunday 09:00–13:00 for you (Milan) = Sunday 16:00–20:00 at home (Hechi)');
    await telegram.waitForSent(father.id, hasText('I will remind you shortly before each time'));

    // Sunday 29 November, 08:45 in Milan: a quarter of an hour before the window opens.
    clock.set('2026-11-29T07:45:00Z');
    expect(await t.app.reminders.sweep()).toBe(1);
    const nudge = await telegram.nextSent(father.id, hasText('Soon it is a good time to call Xiaoming'));
    expect(nudge.text).toContain('Sunday 09:00–13:00 for you (Milan) = Sunday 16:00–20:00 at home (Hechi)');
    expect(nudge.replyMarkup!.inline_keyboard!.flat().map((b) => b.text)).toEqual(['We talked ✓', 'Remind me in 1 hour', 'Not this week']);
    tapLabel(father, nudge, 'We talked ✓');
    await telegram.nextSent(father.id, hasText('That is 1 of 1 calls with Xiaoming this week.'));

    clock.set('2026-11-29T19:00:00Z');
    expect(await t.app.reminders.sweep()).toBe(1);
    const summary = await telegram.nextSent(father.id, hasText('Your week with Xiaoming'));
    expect(summary.text).toBe('Your week with Xiaoming: 1 of 1 calls 🎉 Weeks in a row with a call: 1. Last call: Sunday, November 29.');
  });
});
