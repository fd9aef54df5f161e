import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taggedOggVoice } from '../support/media-fixtures.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

/** A grandmother in Hechi answers the 3-year milestone check-in over two days; the father in Milan hears how it went. */
describe('milestone check-ins', () => {
  // Monday 30 November 2026, 10:00 in Hechi; Xiaoming turned three on 25 November.
  const clock = new TestClock(new Date('2026-11-30T02:00:00Z'));
  let t: TestApp;
  let family: SeededFamily;

  beforeAll(async () => {
    t = await startTestApp({ clock, reminderSweepEveryMs: 0 });
    family = await t.seedFamily();
    await t.database.prisma.child.updateMany({ where: { familyId: family.familyId }, data: { birthDate: new Date('2023-11-25') } });
    await t.onboard('nainai', family.codes.caregiver, { locale: 'zh-CN', city: '河池', quiet: '21-8' });
    await t.onboard('wei', family.codes.parent, { locale: 'en', city: 'Milan', quiet: '22-7', consent: 'consent_no' });
    await t.channel.say('lan', `/start ${(await t.app.services.invites.issue({ role: 'coordinator', cohortId: family.cohortId })).code}`);
    await t.channel.say('teacher', `/start ${family.codes.teacher}`);
  });
  afterAll(() => t.close());

  const nainaiId = async () => (await t.database.prisma.person.findFirstOrThrow({ where: { identities: { some: { externalId: 'nainai' } } } })).id;

  it('asks one item at a time the next morning, pauses when she stops, goes on the day after and scores the result', async () => {
    await t.app.recurring.runNow('checkins.keep-scheduled');
    clock.set('2026-12-01T02:00:00Z');
    expect(await t.app.reminders.sweep()).toBe(1);
    await t.app.settled();
    const first = t.channel.textsTo('nainai').filter((text) => text !== '');
    expect(first.at(-2)).toBe('nainai，Xiaoming三岁了！我想问您几件小事，看看孩子现在会做什么。这不是考试，也不是看病，照实说就好。一次问一件，您点按钮或者回个数字就行。');
    expect(first.at(-1)).toBe('第1件（共12件）：你离开后，孩子十分钟内能自己平静下来吗？比如送到幼儿园时。\n试试看：离开前跟孩子说好什么时候回来，回来时夸夸他。');
    expect(t.channel.lastTo('nainai')?.choices?.map((choice) => choice.label)).toEqual(['会了', '还不会', '说不准']);

    // Six answers on the first day: by button, and by typing the button's number.
    for (let item = 1; item <= 5; item += 1) await t.channel.tap('nainai', 'yes');
    expect((await t.channel.say('nainai', '1')).at(-1)).toContain('第7件（共12件）：孩子说话，外人大多数时候能听懂吗？');

    // She does not answer for the rest of the day: the question's wait runs out.
    const session = await t.database.prisma.flowSession.findUniqueOrThrow({ where: { personId: await nainaiId() } });
    await t.app.engine.handleJob({ kind: 'timer', personId: session.personId, token: session.waitToken! });
    await t.app.settled();
    // The question she was at before (this week's play) comes back after the pause.
    expect(t.channel.textsTo('nainai').slice(-2)).toEqual(['没关系，您先忙。明天上午我再接着问。', '每个星期，我用语音给您讲一个和孩子玩的小游戏。哪一天给您讲好？']);

    clock.set('2026-12-02T02:00:00Z');
    expect(await t.app.reminders.sweep()).toBe(1);
    await t.app.settled();
    expect(t.channel.textsTo('nainai').at(-1)).toContain('第7件（共12件）：孩子说话，外人大多数时候能听懂吗？');
    await t.channel.tap('nainai', 'not_yet');
    for (let item = 8; item <= 11; item += 1) await t.channel.tap('nainai', 'yes');
    const thanks = await t.channel.tap('nainai', 'not_sure');
    expect(thanks).toContain(
      '谢谢您！Xiaoming的问答做完了。有几样孩子还不会，很正常，多玩就会。这几周可以多玩这些游戏：\n• 说话：学我做！、三样东西编故事、厨房声音故事、问问奶奶\n我也会告诉爸爸妈妈和老师。',
    );

    const saved = await t.database.prisma.checkIn.findFirstOrThrow({ where: { child: { familyId: family.familyId } } });
    expect(saved).toMatchObject({ instrumentId: 'cdc-milestones', instrumentVersion: '2022.1', ageMonths: 36, score: 1, concern: true });
    expect(saved.completedAt).toEqual(clock.now());
    expect(Object.keys(saved.answers as object)).toHaveLength(12);

    const summary = () => t.channel.textsTo('wei').find((text) => text.includes('check-in was just done'));
    await expect.poll(summary, { timeout: 10_000 }).toContain("Xiaoming's 3 years old check-in was just done at home 🌱 The child already does 10 of 12 things.");
    expect(summary()).toContain('• Language: Copy me!');
    expect(summary()).toContain('not a diagnosis');

    // The instrument marks one "not yet" as a concern: the teacher and the coordinator hear of it, with a next step.
    const concern = "Wang family: Xiaoming's 3 years old check-in has 1 milestone(s) not yet reached (cdc-milestones 2022.1). Monitoring, not a diagnosis.";
    await expect.poll(() => t.channel.textsTo('lan').some((text) => text.includes(concern)), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => t.channel.textsTo('teacher').some((text) => text.includes(concern)), { timeout: 10_000 }).toBe(true);
  });

  it('lets nobody but the child’s caregiver answer, and nobody but its parents read the result', async () => {
    const checkIn = await t.database.prisma.checkIn.findFirstOrThrow({ where: { child: { familyId: family.familyId } } });
    const wei = (await t.database.prisma.person.findFirstOrThrow({ where: { identities: { some: { externalId: 'wei' } } } })).id;
    expect(await t.app.services.checkins.checkIns.begin(wei, checkIn.childId, 36)).toBeUndefined();
    expect(await t.app.services.checkins.checkIns.forParent(await nainaiId(), checkIn.id)).toBeUndefined();
    const other = await t.seedFamily('Li family');
    expect(await t.app.services.checkins.checkIns.forParent(other.coordinatorId, checkIn.id)).toBeUndefined();
    expect((await t.app.services.checkins.checkIns.forParent(wei, checkIn.id))?.result.score).toBe(1);
  });

  it('takes a voice note as the answer to an item: kept for the teacher to listen to, not scored, and goes on kindly', async () => {
    // The 4-year check-in, started as the scheduler would (the child's age does not matter to the flow).
    await t.app.engine.startFlow(await nainaiId(), 'checkin', { child_id: (await t.database.prisma.child.findFirstOrThrow({ where: { familyId: family.familyId } })).id, months: 48 });
    await t.app.settled();
    expect(t.channel.textsTo('nainai').at(-1)).toMatch(/^第1件（共\d+件）：/);
    t.channel.files.set('nainai-item-voice', taggedOggVoice());
    const before = t.channel.textsTo('nainai').length;
    // Posted, then waited for: the note is fetched, checked and cleaned by ffmpeg, which takes its time on a busy machine.
    await t.channel.post('nainai', { kind: 'voice', media: { channel: 'memory', fileId: 'nainai-item-voice' } });
    const answered = () => t.channel.textsTo('nainai').slice(before).filter((text) => text !== '');
    await expect.poll(answered, { timeout: 60_000 }).toHaveLength(2);
    expect(answered()[0]).toBe('谢谢，您说的话我留给老师听。下一件：');
    expect(answered()[1]).toMatch(/^第2件（共\d+件）：/);

    const checkIn = await t.database.prisma.checkIn.findFirstOrThrow({ where: { child: { familyId: family.familyId }, ageMonths: 48 }, include: { voiceAnswers: true } });
    const [firstItem] = Object.keys(checkIn.answers as object);
    expect(checkIn.answers).toEqual({ [firstItem!]: 'voice' });
    expect(checkIn.voiceAnswers).toMatchObject([{ itemId: firstItem, mimeType: 'audio/ogg' }]);
    const toListen = 'Wang family: nainai answered part of a check-in about Xiaoming with a voice message.';
    await expect.poll(() => t.channel.textsTo('teacher').some((text) => text.includes(toListen)), { timeout: 10_000 }).toBe(true);

    // /forget takes the voice note's file with her.
    const file = path.join(t.mediaDir, checkIn.voiceAnswers[0]!.storageKey);
    expect(existsSync(file)).toBe(true);
    await t.channel.say('nainai', '/forget');
    await t.channel.tap('nainai', 'forget');
    expect(existsSync(file)).toBe(false);
    expect(await t.database.prisma.checkInVoiceAnswer.count()).toBe(0);
  });
});
