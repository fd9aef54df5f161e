import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasText, type FakeUser, type SentMessage } from '../support/fake-telegram.js';
import { startTelegramTestApp, type TelegramTestApp } from '../support/telegram-test-app.js';
import type { SeededFamily } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

/**
 * A grandmother in Hechi completes Xiaoming's 3-year check-in on Telegram over two days: every item is heard first as a
 * synthesized voice message, then read with its buttons; her coordinator hears of the one "not yet" within the run.
 */
describe('milestone check-in on Telegram (fake Bot API)', () => {
  // Monday 30 November 2026, 10:00 in Hechi; Xiaoming turned three on 25 November.
  const clock = new TestClock(new Date('2026-11-30T02:00:00Z'));
  let t: TelegramTestApp;
  let family: SeededFamily;
  const grandmother: FakeUser = { id: 9001, firstName: '奶奶', languageCode: 'zh-hans' };
  const coordinator: FakeUser = { id: 9002, firstName: 'Lan', languageCode: 'en' };
  const isVoice = (message: SentMessage) => message.method === 'sendVoice';

  beforeAll(async () => {
    t = await startTelegramTestApp({ clock, reminderSweepEveryMs: 0, speechCacheDir: mkdtempSync(path.join(tmpdir(), 'kinbridge-speech-')) });
    family = await t.seedFamily();
    await t.database.prisma.child.updateMany({ where: { familyId: family.familyId }, data: { birthDate: new Date('2023-11-25') } });
    t.telegram.userSays(coordinator, `/start ${(await t.app.services.invites.issue({ role: 'coordinator', cohortId: family.cohortId })).code}`);
    await t.telegram.nextSent(coordinator.id);
    await t.onboardOnTelegram(grandmother, family.codes.caregiver, { language: '中文', city: '河池', quietHours: '晚上9点到早上8点' });
    await t.telegram.userAnswers(grandmother, '哪一天给您讲好', { label: '星期三' });
    await t.telegram.userAnswers(grandmother, '几点给您讲', { label: '晚上7点半' });
    await t.telegram.waitForSent(grandmother.id, hasText('每个星期三晚上7点半'));
  });
  afterAll(() => t.close());

  /** Hears item `number`, reads it, and answers it with `answer` (a button's label, or its number typed). */
  async function answerItem(number: number, answer: { label: string } | { text: string }): Promise<void> {
    const voice = await t.telegram.nextSent(grandmother.id, isVoice, 30_000);
    const item = await t.telegram.nextSent(grandmother.id, hasText(`第${number}件（共12件）`), 30_000);
    expect(item.messageId).toBeGreaterThan(voice.messageId);
    expect(item.replyMarkup!.inline_keyboard!.flat().map((button) => button.text)).toEqual(['会了', '还不会', '说不准']);
    if ('label' in answer) t.telegram.userTapsLabel(grandmother, item, answer.label);
    else t.telegram.userSays(grandmother, answer.text);
  }

  it('is heard and answered item by item over two days, then tells the coordinator of the "not yet"', async () => {
    await t.app.recurring.runNow('checkins.keep-scheduled');
    clock.set('2026-12-01T02:00:00Z');
    expect(await t.app.reminders.sweep()).toBe(1);
    await t.telegram.waitForSent(grandmother.id, hasText('Xiaoming三岁了'), 30_000);
    for (let number = 1; number <= 3; number += 1) await answerItem(number, { label: '会了' });
    await answerItem(4, { text: '1' });
    await t.telegram.nextSent(grandmother.id, hasText('第5件（共12件）'), 30_000);

    // The rest of the day goes by without an answer: the wait runs out, and she is asked again the next morning.
    const session = await t.database.prisma.flowSession.findFirstOrThrow({ where: { person: { identities: { some: { externalId: String(grandmother.id) } } } } });
    await t.app.engine.handleJob({ kind: 'timer', personId: session.personId, token: session.waitToken! });
    await t.telegram.waitForSent(grandmother.id, hasText('明天上午我再接着问'), 30_000);
    clock.set('2026-12-02T02:00:00Z');
    expect(await t.app.reminders.sweep()).toBe(1);
    for (let number = 5; number <= 6; number += 1) await answerItem(number, { label: '会了' });
    await answerItem(7, { label: '还不会' });
    for (let number = 8; number <= 12; number += 1) await answerItem(number, { label: '会了' });
    const thanks = await t.telegram.waitForSent(grandmother.id, hasText('问答做完了'));
    expect(thanks.text).toContain('• 说话：学我做！');

    const told = await t.telegram.waitForSent(coordinator.id, hasText('check-in has 1 milestone(s) not yet reached'));
    expect(told.text).toContain("Xiaoming's 3 years old check-in has 1 milestone(s) not yet reached (cdc-milestones 2022.1)");
  }, 240_000);
});
