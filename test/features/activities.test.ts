import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeAudio } from '../support/audio-probe.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

describe('weekly play: reminders in the caregiver\'s local time, answers as progress, notes to parents', () => {
  // Monday 23 November 2026, 18:00 in Hechi, 11:00 in Milan.
  const clock = new TestClock(new Date('2026-11-23T10:00:00Z'));
  let t: TestApp;
  let family: SeededFamily;

  beforeAll(async () => {
    t = await startTestApp({ clock, reminderSweepEveryMs: 0, speechCacheDir: mkdtempSync(path.join(tmpdir(), 'kinbridge-speech-')) });
    family = await t.seedFamily();
  });
  afterAll(() => t.close());

  const last = (person: string) => t.channel.lastTo(person)?.text ?? '';
  const tap = (person: string, choiceId: string) => t.channel.tap(person, choiceId);
  async function fireDue(at: string): Promise<number> {
    clock.set(at);
    await t.keepRemindersScheduled();
    const fired = await t.app.reminders.sweep();
    await t.app.settled();
    return fired;
  }
  const personId = async (name: string) => (await t.database.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: name } })).personId;

  it('asks a caregiver who joins for a day and time, and schedules it on her own clock', async () => {
    await t.onboard('nainai', family.codes.caregiver, { locale: 'zh-CN', city: '河池', quiet: '21-8' });
    await expect.poll(() => last('nainai'), { timeout: 10_000 }).toContain('哪一天给您讲好');
    await tap('nainai', '6');
    expect(await tap('nainai', '09:00')).toEqual(['好的！每个星期六上午9点，我给您讲一个和Xiaoming玩的游戏。第一个在11月28日。想换时间，发 /play 就行。']);
    const pending = await t.database.prisma.scheduledReminder.findMany({ where: { flowId: 'play-reminder' } });
    expect(pending.map((r) => r.dueAt?.toISOString())).toEqual(['2026-11-28T01:00:00.000Z']);
    await t.onboard('wei', family.codes.parent, { locale: 'en', city: 'Milan', quiet: '22-7', consent: 'consent_no' });
  });

  it('sends the voice first and the steps second at 09:00 on Saturday in Hechi', async () => {
    expect(await fireDue('2026-11-28T00:59:00Z')).toBe(0);
    expect(await fireDue('2026-11-28T01:00:00Z')).toBe(1);
    await expect.poll(() => last('nainai'), { timeout: 10_000 }).toContain('这个星期和Xiaoming玩：计划明天');
    const [voice, steps] = t.channel.delivered.filter((d) => d.chatId === 'nainai').slice(-2).map((d) => d.message);
    expect(voice!.voice).toMatchObject({ kind: 'file', mimeType: 'audio/ogg' });
    expect(probeAudio((voice!.voice as { path: string }).path)).toMatchObject({ format: 'ogg', codec: 'opus' });
    expect(steps!.choices?.map((c) => c.id.split('#')[0])).toEqual(['done', 'later']);
  });

  it('reminds again three hours after "later", with the same game and no second note to the parents', async () => {
    expect(await tap('nainai', 'later')).toEqual(['好的，中午12点我再提醒您。']);
    expect(await fireDue('2026-11-28T04:00:00Z')).toBe(1);
    await expect.poll(() => t.channel.textsTo('nainai').filter((text) => text.includes('计划明天')).length, { timeout: 10_000 }).toBe(2);
  });

  it('keeps the father\'s weekly note until his quiet hours in Milan are over', async () => {
    expect(await fireDue('2026-11-28T05:59:00Z')).toBe(0);
    expect(await fireDue('2026-11-28T06:00:00Z')).toBe(1);
    // He is still in the call-plan question he got on joining: the note comes in between, and the question again after it.
    await expect.poll(() => t.channel.textsTo('wei').some((text) => text.startsWith('🎈 This week Xiaoming plays “Plan tomorrow” at home.')), { timeout: 10_000 }).toBe(true);
  });

  it('takes "1" typed as Done, records progress and tells the father', async () => {
    expect(await t.channel.say('nainai', '1')).toEqual(['太好了，谢谢您！您陪Xiaoming玩，孩子心里高兴。🌟']);
    const assignment = await t.database.prisma.playAssignment.findFirstOrThrow({ include: { progress: { orderBy: { createdAt: 'asc' } } } });
    expect(assignment.status).toBe('done');
    expect(assignment.progress.map((p) => p.kind)).toEqual(['later', 'done']);
    expect(await fireDue('2026-11-28T06:01:00Z')).toBe(1);
    await expect.poll(() => t.channel.textsTo('wei').includes('🌟 nainai played “Plan tomorrow” with Xiaoming this week.'), { timeout: 10_000 }).toBe(true);
  });

  it('comes back the next Saturday with the second week of the band', async () => {
    expect(await fireDue('2026-12-05T01:00:00Z')).toBe(1);
    await expect.poll(() => last('nainai'), { timeout: 10_000 }).toContain('这个星期和Xiaoming玩：硬币小商店');
  });

  it('keeps schedules, weeks and notes inside the family', async () => {
    const other = await t.seedFamily('Li family');
    await t.onboard('laoye', other.codes.caregiver, { locale: 'zh-CN', city: '河池', quiet: '21-8' });
    await t.onboard('li', other.codes.parent, { locale: 'en', city: 'Rome', quiet: '22-7', consent: 'consent_no' });
    const { activities } = t.app.services;
    const [laoye, li, nainai] = await Promise.all([personId('laoye'), personId('li'), personId('nainai')]);
    const assignment = await t.database.prisma.playAssignment.findFirstOrThrow({ include: { schedule: true } });
    // Another family's grandfather can neither plan for Xiaoming nor answer his week; their father cannot read it.
    expect(await activities.schedules.save(laoye, assignment.schedule.childId, 1, 9 * 60)).toBeUndefined();
    expect(await activities.schedules.find(laoye, assignment.scheduleId)).toBeUndefined();
    expect(await activities.weeks.find(laoye, assignment.id)).toBeUndefined();
    expect(await activities.weeks.findForParent(li, assignment.id)).toBeUndefined();
    expect(await activities.weeks.currentFor(li, assignment.schedule.childId)).toBeUndefined();
    // Nor can the grandmother read it as if she were a parent, or record voices.
    expect(await activities.weeks.findForParent(nainai, assignment.id)).toBeUndefined();
    expect(await activities.recordings.save(nainai, family.cohortId, 'copy-me', 'zh-CN', { channel: 'memory', fileId: 'x' })).toBe(false);
    expect(await t.channel.say('li', '/play')).toEqual(['Play reminders are for the grandparents or other adults who look after a child at home.']);
  });
});
