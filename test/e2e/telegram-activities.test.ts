import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeAudio } from '../support/audio-probe.js';
import { taggedOggVoice } from '../support/media-fixtures.js';
import { hasText, type FakeTelegram, type FakeUser, type SentMessage } from '../support/fake-telegram.js';
import { startTelegramTestApp, type TelegramTestApp } from '../support/telegram-test-app.js';
import type { SeededFamily } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

/**
 * A grandmother in Hechi picks Wednesday evening for play ideas; a father in Milan hears what Xiaoming plays, and
 * that it was played. A teacher records next week's game in her own voice, which replaces synthesized speech.
 */
describe('weekly play on Telegram (fake Bot API)', () => {
  let t: TelegramTestApp;
  let telegram: FakeTelegram;
  let family: SeededFamily;
  // Monday 23 November 2026, 18:00 in Hechi, 11:00 in Milan. Xiaoming (born 3 May 2021) is five: band 5–6.
  const clock = new TestClock(new Date('2026-11-23T10:00:00Z'));
  const grandmother: FakeUser = { id: 7002, firstName: '奶奶', languageCode: 'zh-hans' };
  const father: FakeUser = { id: 7001, firstName: 'Wei', languageCode: 'en' };
  const teacher: FakeUser = { id: 7003, firstName: '李老师', languageCode: 'zh-hans' };
  const coordinator: FakeUser = { id: 7004, firstName: 'Coordinator', languageCode: 'en' };

  beforeAll(async () => {
    t = await startTelegramTestApp({ clock, reminderSweepEveryMs: 0, speechCacheDir: mkdtempSync(path.join(tmpdir(), 'kinbridge-speech-')) });
    telegram = t.telegram;
    family = await t.seedFamily();
  });
  afterAll(() => t.close());

  const isVoice = (m: SentMessage) => m.method === 'sendVoice';
  const answer = (user: FakeUser, waitFor: string, reply: { label: string } | { text: string }) => telegram.userAnswers(user, waitFor, reply);
  async function sweepAt(instant: string): Promise<number> {
    clock.set(instant);
    await t.keepRemindersScheduled();
    return t.app.reminders.sweep();
  }

  it('asks the grandmother for a day and time right after she joins, on her own clock', async () => {
    await t.onboardOnTelegram(grandmother, family.codes.caregiver, { language: '中文', city: '河池', quietHours: '晚上9点到早上8点' });
    await answer(grandmother, '哪一天给您讲好', { label: '星期三' });
    await answer(grandmother, '几点给您讲', { label: '晚上7点半' });
    const saved = await telegram.waitForSent(grandmother.id, hasText('每个星期三晚上7点半'));
    expect(saved.text).toContain('和Xiaoming玩的游戏');

    await t.onboardOnTelegram(father, family.codes.parent, { language: 'English', city: 'Milan', quietHours: '10 pm to 7 am', photos: 'Yes, share with family' });
    await answer(father, 'How many calls a week', { label: 'Once a week' });
    await answer(father, 'These times suit both of you', { label: 'Yes, remind me' });
    await telegram.waitForSent(father.id, hasText('I will remind you shortly before each time'));

    // The teacher joins now, while the invite is fresh; she records later on.
    await t.onboardOnTelegram(teacher, family.codes.teacher, { language: '中文', city: '河池', quietHours: '晚上9点到早上8点' });
    await telegram.waitForSent(teacher.id);
  });

  it('sends a synthesized Chinese voice message first, then the steps, on Wednesday at 19:30 in Hechi', async () => {
    expect(await sweepAt('2026-11-25T11:29:00Z')).toBe(0);
    expect(await sweepAt('2026-11-25T11:30:00Z')).toBe(1);
    const voice = await telegram.nextSent(grandmother.id, isVoice, 30_000);
    expect(voice.file?.kind).toBe('upload');
    const audioFile = path.join(mkdtempSync(path.join(tmpdir(), 'kinbridge-voice-')), 'reminder.ogg');
    writeFileSync(audioFile, (voice.file as { data: Uint8Array }).data);
    expect(probeAudio(audioFile)).toMatchObject({ format: 'ogg', codec: 'opus', channels: 1 });
    expect(probeAudio(audioFile).seconds).toBeGreaterThan(3);

    const steps = await telegram.nextSent(grandmother.id, hasText('这个星期和Xiaoming玩：计划明天'));
    expect(steps.messageId).toBeGreaterThan(voice.messageId);
    expect(steps.text).toContain('1. 晚上把一张纸折成三格');
    expect(steps.replyMarkup!.inline_keyboard!.flat().map((b) => b.text)).toEqual(['玩好了 ✓', '晚点提醒我']);

    // The father's note goes through the scheduler too: Wednesday 12:30 in Milan is not in his quiet hours.
    expect(await t.app.reminders.sweep()).toBe(1);
    const note = await telegram.nextSent(father.id, hasText('This week Xiaoming plays “Plan tomorrow” at home.'));
    expect(note.text).toContain('ask them what is on tomorrow\'s plan');
  });

  it('turns the grandmother\'s photo into play progress, a note to the father and a conversation starter', async () => {
    telegram.userSendsPhoto(grandmother);
    await telegram.nextSent(grandmother.id, hasText('照片真好'));
    const progress = await t.database.prisma.playProgress.findMany({ include: { assignment: true } });
    expect(progress.map((p) => [p.kind, p.assignment.activityId, p.assignment.status])).toEqual([['photo', 'plan-tomorrow', 'done']]);
    expect(progress[0]!.media).toMatchObject({ fileId: expect.any(String) });

    expect(await t.app.reminders.sweep()).toBe(1);
    await telegram.nextSent(father.id, hasText('played “Plan tomorrow” with Xiaoming this week and took a photo'));

    // Sunday 08:45 in Milan: the call nudge suggests asking about the game.
    expect(await sweepAt('2026-11-29T07:45:00Z')).toBe(1);
    const nudge = await telegram.nextSent(father.id, hasText('Soon it is a good time to call Xiaoming'));
    expect(nudge.text).toContain('This week Xiaoming played “Plan tomorrow” at home – ask how it went.');
  });

  it('lets a teacher record next week\'s game in her own voice once her coordinator allowed it, and the grandmother then hears it', async () => {
    telegram.userSays(teacher, '/record');
    await telegram.nextSent(teacher.id, hasText('只有小组负责人，和负责人同意的老师，可以录游戏提醒'));
    await t.database.prisma.channelIdentity.create({ data: { channel: 'telegram', externalId: String(coordinator.id), personId: family.coordinatorId } });
    telegram.userSays(coordinator, '/recorders');
    await answer(coordinator, 'Which teacher may record', { label: `李老师 (${(await t.database.prisma.cohort.findUniqueOrThrow({ where: { id: family.cohortId } })).name})` });
    await telegram.waitForSent(coordinator.id, hasText('李老师 may now record play reminders'));

    telegram.userSays(teacher, '/record');
    await answer(teacher, '给多大的孩子', { label: '5-6' });
    await answer(teacher, '哪一周的游戏', { label: '2. 硬币小商店' });
    await answer(teacher, '哪种语言或方言', { label: '中文' });
    await telegram.waitForSent(teacher.id, hasText('现在请发一段语音'));
    telegram.userSendsVoice(teacher, { bytes: taggedOggVoice(), durationSeconds: 20 });
    await telegram.waitForSent(teacher.id, hasText('以后在家带孩子的家人，会听到您录的这个游戏'));
    const recording = await t.database.prisma.activityRecording.findUniqueOrThrow({ where: { cohortId_activityId_locale: { cohortId: family.cohortId, activityId: 'coin-shop', locale: 'zh-CN' } } });

    // Sunday evening's call summary for the father goes out first.
    expect(await sweepAt('2026-11-30T08:00:00Z')).toBe(1);
    // Wednesday 2 December, 19:30 in Hechi: week two of the band.
    expect(await sweepAt('2026-12-02T11:30:00Z')).toBe(1);
    const voice = await telegram.nextSent(grandmother.id, isVoice);
    // Her own voice note as kept for the cohort (cleaned of its tags), not synthesized speech.
    const stored = readFileSync(path.join(t.mediaDir, (recording.media as { storageKey: string }).storageKey));
    expect(Buffer.compare(Buffer.from((voice.file as { data: Uint8Array }).data), stored)).toBe(0);
    const steps = await telegram.nextSent(grandmother.id, hasText('硬币小商店'));
    telegram.userTapsLabel(grandmother, steps, '玩好了 ✓');
    await telegram.nextSent(grandmother.id, hasText('太好了，谢谢您'));
    expect(await t.database.prisma.playAssignment.count({ where: { status: 'done' } })).toBe(2);
  });

  it('refuses /record to a caregiver', async () => {
    telegram.userSays(grandmother, '/record');
    await telegram.nextSent(grandmother.id, hasText('只有小组负责人，和负责人同意的老师，可以录游戏提醒'));
  });
});
