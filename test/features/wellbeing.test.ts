import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taggedOggVoice } from '../support/media-fixtures.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

/**
 * Monthly wellbeing check-ins: a grandmother in Hechi says how she is managing (in Chinese), a father in Milan how
 * Xiaoming seems (in English). When her answers get worse two months running, her family's coordinator and teacher
 * hear of it; another cohort's coordinator and another family hear nothing.
 */
describe('wellbeing check-ins', () => {
  // Monday 30 November 2026, 10:00 in Hechi, 03:00 in Milan.
  const clock = new TestClock(new Date('2026-11-30T02:00:00Z'));
  let t: TestApp;
  let wang: SeededFamily;
  let li: SeededFamily;

  beforeAll(async () => {
    t = await startTestApp({ clock, reminderSweepEveryMs: 0 });
    wang = await t.seedFamily('Wang family');
    li = await t.seedFamily('Li family');
    await t.onboard('nainai', wang.codes.caregiver, { locale: 'zh-CN', city: '河池', quiet: '21-8' });
    await t.onboard('wei', wang.codes.parent, { locale: 'en', city: 'Milan', quiet: '22-7', consent: 'consent_no' });
    await t.channel.say('teacher', `/start ${wang.codes.teacher}`);
    await t.channel.say('lan', `/start ${(await t.app.services.invites.issue({ role: 'coordinator', cohortId: wang.cohortId })).code}`);
    await t.onboard('li-mama', li.codes.parent, { locale: 'en', city: 'Milan', quiet: '22-7', consent: 'consent_no' });
    await t.channel.say('li-lao', `/start ${(await t.app.services.invites.issue({ role: 'coordinator', cohortId: li.cohortId })).code}`);
    await t.app.settled();
  });
  afterAll(() => t.close());

  const personId = async (chat: string) => (await t.database.prisma.channelIdentity.findUniqueOrThrow({ where: { channel_externalId: { channel: 'memory', externalId: chat } } })).personId;
  const buttons = (chat: string) => t.channel.lastTo(chat)?.choices?.map((choice) => choice.label);
  /** The monthly job runs, then the clock reaches `at` and the reminders due by then start their flows. */
  async function monthComes(at: string): Promise<void> {
    await t.app.recurring.runNow('checkins.wellbeing-keep-scheduled');
    clock.set(at);
    await t.app.reminders.sweep();
    await t.app.settled();
  }
  /** Everything said to `chat` from now on, for reading after a few steps. */
  const from = (chat: string) => {
    const seen = t.channel.textsTo(chat).length;
    return () => t.channel.textsTo(chat).slice(seen).filter((text) => text !== '');
  };

  it('asks the grandmother, on the 1st of the month at 10 in Hechi, how she is managing, in plain Chinese', async () => {
    const said = from('nainai');
    await monthComes('2026-12-01T02:00:00Z');
    expect(said()).toEqual(['您好！每个月我问您三句，就问问您自己过得怎么样。点按钮、回个数字，或者说句语音都行。不想答，就点“别再问了”。', '第1件（共3件）：这个月带Xiaoming，您觉得怎么样？']);
    expect(buttons('nainai')).toEqual(['挺好', '一般', '不好', '别再问了']);
    await t.channel.tap('nainai', 'good');
    expect(await t.channel.say('nainai', '1')).toContain('第3件（共3件）：这些天，您心里怎么样？');
    expect(await t.channel.tap('nainai', 'good')).toContain('谢谢您跟我说。下个月再问您。');

    const saved = await t.database.prisma.checkIn.findFirstOrThrow({ where: { respondentId: await personId('nainai') } });
    expect(saved).toMatchObject({ instrumentId: 'kinbridge-wellbeing-caregiver', instrumentVersion: '2026.1', score: 0, concern: false, answers: { 'looking-after': 'good', 'own-health': 'good', mood: 'good' } });
    expect(saved.completedAt).toEqual(clock.now());
  });

  it('asks the father in Milan at 20:00 his time how Xiaoming seems, in English', async () => {
    const said = from('wei');
    await monthComes('2026-12-01T19:00:00Z');
    expect(said()).toEqual([
      'Once a month, three quick questions about how Xiaoming seems lately. Tap a button, answer with its number or send a voice note. If you\'d rather not, tap "Don\'t ask me this".',
      '1 of 3: How did Xiaoming seem on your last call?',
    ]);
    expect(buttons('wei')).toEqual(['Good', 'So-so', 'Not so good', "Don't ask me this"]);
    await t.channel.tap('wei', 'good');
    expect(await t.channel.tap('wei', 'so_so')).toContain('3 of 3: This month, how have your talks with Xiaoming gone?');
    expect(await t.channel.tap('wei', 'good')).toContain('Thank you for telling me. See you next month!');
    expect((await t.database.prisma.checkIn.findFirstOrThrow({ where: { respondentId: await personId('wei') } })).score).toBe(1);
  });

  it('takes a voice note as an answer: kept for the teacher, not scored, and the check-in goes on kindly', async () => {
    const said = from('nainai');
    await monthComes('2027-01-01T02:00:00Z');
    expect(said().at(-1)).toBe('第1件（共3件）：这个月带Xiaoming，您觉得怎么样？');
    t.channel.files.set('nainai-voice-1', taggedOggVoice());
    const answered = from('nainai');
    // Posted, then waited for: the note is fetched, checked and cleaned by ffmpeg, which takes its time on a busy machine.
    await t.channel.post('nainai', { kind: 'voice', media: { channel: 'memory', fileId: 'nainai-voice-1' } });
    await expect.poll(answered, { timeout: 60_000 }).toEqual(['谢谢，您说的话我留给老师听。下一件：', '第2件（共3件）：您自己身体怎么样？']);
    await t.channel.tap('nainai', 'not_good');
    await t.channel.tap('nainai', 'good');

    const checkIn = await t.database.prisma.checkIn.findFirstOrThrow({ where: { respondentId: await personId('nainai'), round: { startsWith: '2027-01' } }, include: { voiceAnswers: true } });
    expect(checkIn).toMatchObject({ score: 2, answers: { 'looking-after': 'voice', 'own-health': 'not_good', mood: 'good' } });
    expect(checkIn.voiceAnswers).toMatchObject([{ itemId: 'looking-after', mimeType: 'audio/ogg' }]);
    // The teacher is told there is something to listen to.
    const toListen = 'Wang family: nainai answered part of a check-in about Xiaoming with a voice message.';
    await expect.poll(() => t.channel.textsTo('teacher').some((text) => text.includes(toListen)), { timeout: 10_000 }).toBe(true);
  });

  it('raises a needs-attention item when her answers get worse two months running, for her cohort only', async () => {
    const said = from('nainai');
    await monthComes('2027-02-01T02:00:00Z');
    expect(said()).toContain('第1件（共3件）：这个月带Xiaoming，您觉得怎么样？');
    await t.channel.tap('nainai', 'not_good');
    await t.channel.tap('nainai', 'so_so');
    await t.channel.tap('nainai', 'not_good');
    expect(said()).toContain('谢谢您跟我说。下个月再问您。');

    const item = 'Wang family: nainai\'s monthly answers on how they are managing with Xiaoming got worse 2 months in a row. Not a diagnosis. Suggested next step: Call or visit the caregiver soon';
    await expect.poll(() => t.channel.textsTo('lan').some((text) => text.includes(item)), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => t.channel.textsTo('teacher').some((text) => text.includes(item)), { timeout: 10_000 }).toBe(true);
    const open = await t.app.services.attention.openFor(await personId('lan'));
    expect(open.filter((view) => view.kind === 'wellbeing_worsening_caregiver')).toMatchObject([{ familyName: 'Wang family', childName: 'Xiaoming' }]);

    // Another cohort's coordinator, and another family's parent, see and hear nothing of it.
    expect(await t.app.services.attention.openFor(await personId('li-lao'))).toEqual([]);
    expect(await t.app.services.attention.openFor(li.coordinatorId)).toEqual([]);
    expect(await t.app.services.attention.openFor(await personId('li-mama'))).toEqual([]);
    for (const outsider of ['li-lao', 'li-mama', 'wei']) expect(t.channel.textsTo(outsider).filter((text) => text.includes('worse'))).toEqual([]);
    expect((await t.channel.say('li-mama', '/alerts'))[0]).toBe('This list is for the coordinators and teachers who look after families.');
    expect(await t.channel.say('li-lao', '/alerts')).toEqual(['Nothing needs attention. Every family you look after is in touch.']);
  });

  it('is switched off for good with one tap of "Don\'t ask me this"', async () => {
    // The father's February check-in comes at 20:00 Milan on the 1st.
    await monthComes('2027-02-01T19:00:00Z');
    expect(buttons('wei')).toContain("Don't ask me this");
    expect(await t.channel.tap('wei', 'dont_ask')).toContain("All right, I won't ask you this again.");
    const wei = await personId('wei');
    expect(await t.database.prisma.checkInOptOut.count({ where: { personId: wei, instrumentId: 'kinbridge-wellbeing-parent' } })).toBe(1);
    await t.app.recurring.runNow('checkins.wellbeing-keep-scheduled');
    expect(await t.database.prisma.scheduledReminder.count({ where: { personId: wei, flowId: 'wellbeing', dueAt: { not: null } } })).toBe(0);
  });

  it('stops with /stop and comes back after /start, the next month, on its own', async () => {
    const weiHears = from('wei');
    await t.channel.say('nainai', '/stop');
    const said = from('nainai');
    await monthComes('2027-03-01T02:00:00Z');
    // Her March one came due, and she was told nothing.
    const march = await t.database.prisma.scheduledReminder.findFirstOrThrow({ where: { personId: await personId('nainai'), flowId: 'wellbeing', occurrence: { endsWith: '2027-03' } } });
    expect(march.dueAt).toBeNull();
    expect(said()).toEqual([]);
    await t.channel.say('nainai', '/start');
    const back = from('nainai');
    await monthComes('2027-04-01T02:00:00Z');
    expect(back()).toContain('第1件（共3件）：这个月带Xiaoming，您觉得怎么样？');
    // The father who said "don't ask me this" was asked nothing in March or April.
    expect(weiHears().filter((text) => text.includes('How did Xiaoming seem'))).toEqual([]);
  });

  it('keeps a voice answer as long as a moment is kept, then only the word "voice" stays', async () => {
    const [voice] = await t.database.prisma.checkInVoiceAnswer.findMany({ include: { checkIn: true } });
    clock.set('2027-04-15T02:00:00Z'); // past the default 90 days
    await t.app.recurring.runNow('checkins.voice-answer-retention');
    expect(await t.database.prisma.checkInVoiceAnswer.count()).toBe(0);
    expect(existsSync(path.join(t.mediaDir, voice!.storageKey))).toBe(false);
    expect((await t.database.prisma.checkIn.findUniqueOrThrow({ where: { id: voice!.checkInId } })).answers).toMatchObject({ 'looking-after': 'voice' });
  });
});
