import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasText, type FakeUser } from '../support/fake-telegram.js';
import { startTelegramTestApp, type TelegramTestApp } from '../support/telegram-test-app.js';
import type { SeededFamily } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

/** A father in Milan and a grandmother in Hechi, over the fake Bot API: a plan in both local times, a nudge, a call, a summary. */
describe('calls on Telegram (fake Bot API)', () => {
  let t: TelegramTestApp;
  let family: SeededFamily;
  const clock = new TestClock(new Date('2026-11-23T10:00:00Z'));
  const father: FakeUser = { id: 6001, firstName: 'Wei', languageCode: 'en' };
  const grandmother: FakeUser = { id: 6002, firstName: '奶奶', languageCode: 'zh-hans' };

  beforeAll(async () => {
    t = await startTelegramTestApp({ clock, reminderSweepEveryMs: 0 });
    family = await t.seedFamily();
  });
  afterAll(() => t.close());

  it('proposes times in both local times, nudges the father, logs "We talked ✓" and sums the week up', async () => {
    const { telegram } = t;
    await t.onboardOnTelegram(grandmother, family.codes.caregiver, { language: '中文', city: '河池', quietHours: '晚上9点到早上8点' });
    await telegram.waitForSent(grandmother.id, hasText('都设好了'));

    await t.onboardOnTelegram(father, family.codes.parent, { language: 'English', city: 'Milan', quietHours: '10 pm to 7 am', photos: 'Yes, share with family' });
    await telegram.userAnswers(father, 'How many calls a week', { label: 'Once a week' });
    const proposal = await telegram.userAnswers(father, 'These times suit both of you', { label: 'Yes, remind me' });
    expect(proposal.text).toContain('• Sunday 09:00–13:00 for you (Milan) = Sunday 16:00–20:00 at home (Hechi)');
    await telegram.waitForSent(father.id, hasText('I will remind you shortly before each time'));

    // Sunday 29 November, 08:45 in Milan: a quarter of an hour before the window opens.
    clock.set('2026-11-29T07:45:00Z');
    expect(await t.app.reminders.sweep()).toBe(1);
    const nudge = await telegram.nextSent(father.id, hasText('Soon it is a good time to call Xiaoming'));
    expect(nudge.text).toContain('Sunday 09:00–13:00 for you (Milan) = Sunday 16:00–20:00 at home (Hechi)');
    expect(nudge.replyMarkup!.inline_keyboard!.flat().map((b) => b.text)).toEqual(['We talked ✓', 'Remind me in 1 hour', 'Not this week']);
    telegram.userTapsLabel(father, nudge, 'We talked ✓');
    await telegram.nextSent(father.id, hasText('That is 1 call with Xiaoming this week (your plan: 1).'));

    clock.set('2026-11-29T19:00:00Z');
    expect(await t.app.reminders.sweep()).toBe(1);
    const summary = await telegram.nextSent(father.id, hasText('Your week with Xiaoming'));
    expect(summary.text).toBe('Your week with Xiaoming: 1 call, as planned 🎉 Weeks in a row with a call: 1. Last call: Sunday, November 29.');
  });
});
