import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

/**
 * A father in Milan takes Xiaoming to live with him, then brings him home to his grandmother in Hechi: while they
 * live together nobody nudges him to call and the weekly play ideas come to him; back home, the nudges come again
 * and the grandmother hears the play ideas. The father speaks English in one run and Chinese in the other.
 */
const languages = [
  {
    locale: 'en',
    father: 'wei',
    city: 'Milan',
    askWhere: 'Where does Xiaoming live now? So far I have: at home with the family.',
    withMe: 'With me now',
    confirmWithMe: 'From today Xiaoming lives with you. While you are together I will not remind you to call, and the weekly play ideas come to you.\n\nIs that right?',
    askWhereAway: 'Where does Xiaoming live now? So far I have: with you.',
    home: 'Back home with the family',
    confirmHome: 'From today Xiaoming is back home with the family. Call reminders start again, and the weekly play ideas go home again.\n\nIs that right?',
    yes: "Yes, that's right",
    saved: 'Saved. I told the rest of the family.',
    play: '🎈 This week\'s game with Xiaoming',
    done: 'Done ✓',
    nudge: 'Soon it is a good time to call Xiaoming',
    skip: 'Not this week',
    summaryNone: 'No call with Xiaoming was logged this week.',
  },
  {
    locale: 'zh-CN',
    father: '伟',
    city: '米兰',
    askWhere: 'Xiaoming现在住在哪儿？我这里记的是：在家里，跟家里人住。',
    withMe: '现在跟我住',
    confirmWithMe: '从今天起，Xiaoming跟您住在一起。住在一起的时候，我不提醒您打电话；每个星期的游戏，我讲给您听。\n\n对吗？',
    askWhereAway: 'Xiaoming现在住在哪儿？我这里记的是：跟您住。',
    home: '回家了，跟家里人住',
    confirmHome: '从今天起，Xiaoming回家住了。我又提醒打电话；每个星期的游戏，又讲给家里人听。\n\n对吗？',
    yes: '对',
    saved: '记好了，也告诉家里人了。',
    play: '🎈 这个星期和Xiaoming玩',
    done: '玩好了 ✓',
    nudge: '快到给Xiaoming打电话的好时间了',
    skip: '这周不打了',
    summaryNone: '这个星期没有记下您和Xiaoming的通话。',
  },
] as const;

describe.each(languages)('a child who lives with the father for a week ($locale)', (words) => {
  let t: TestApp;
  let family: SeededFamily;
  let planId: string;
  let fatherId: string;
  let grandmotherId: string;
  // Monday 23 November 2026: 11:00 in Milan, 18:00 in Hechi.
  const clock = new TestClock(new Date('2026-11-23T10:00:00Z'));
  const father = words.father;

  beforeAll(async () => {
    t = await startTestApp({ clock, reminderSweepEveryMs: 0, callEscalationWeeks: 2 });
    family = await t.seedFamily();
    await t.onboard('nainai', family.codes.caregiver, { locale: 'zh-CN', city: '河池', quiet: '21-8' });
    await t.onboard(father, family.codes.parent, { locale: words.locale, city: words.city, quiet: '22-7', consent: 'consent_no' });
    await t.app.settled();
    // What they were offered on joining is behind them: the plan and the play time are made as those flows would.
    await t.database.prisma.flowSession.deleteMany({});
    fatherId = await personOf(father);
    grandmotherId = await personOf('nainai');
    const child = await t.database.prisma.child.findFirstOrThrow({ where: { familyId: family.familyId } });
    await t.app.services.calls.plans.save(fatherId, child.id, 1);
    planId = (await t.database.prisma.callPlan.findFirstOrThrow({ where: { parentId: fatherId } })).id;
    // Wednesday at 19:30 on the grandmother's clock.
    await t.app.services.activities.schedules.save(grandmotherId, child.id, 3, 19 * 60 + 30);
  });
  afterAll(() => t.close());

  async function personOf(name: string): Promise<string> {
    return (await t.database.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: name } })).personId;
  }

  /** Taps the newest button with these words in the person's chat; returns what the bot answered them. */
  async function tap(person: string, label: string): Promise<string[]> {
    const button = t.channel.delivered.filter((d) => d.chatId === person).flatMap((d) => d.message.choices ?? []).findLast((choice) => choice.label === label);
    expect(button, `${person} sees a button "${label}"`).toBeDefined();
    return t.channel.deliver(person, { kind: 'choice', choiceId: button!.id }, words.locale);
  }

  /** What the recurring job and the sweeper do at that moment; returns what reached each person meanwhile. */
  async function fireDue(at: string): Promise<{ father: string[]; grandmother: string[] }> {
    const before = { father: t.channel.textsTo(father).length, grandmother: t.channel.textsTo('nainai').length };
    clock.set(at);
    await t.keepRemindersScheduled();
    // What the fired flows schedule for now (a note to the parents) is due as well.
    while ((await t.app.reminders.sweep()) > 0) await t.app.settled();
    return { father: t.channel.textsTo(father).slice(before.father), grandmother: t.channel.textsTo('nainai').slice(before.grandmother) };
  }

  const planReminders = (where: object = {}) =>
    t.database.prisma.scheduledReminder.findMany({ where: { subject: `call-plan:${planId}`, ...where }, orderBy: { requestedAt: 'asc' }, select: { flowId: true, personId: true, dueAt: true } });
  const playReminders = () =>
    t.database.prisma.scheduledReminder.findMany({
      where: { subject: { startsWith: 'play-schedule:' }, dueAt: { not: null } },
      orderBy: { dueAt: 'asc' },
      select: { personId: true, dueAt: true },
    });

  it('lets the father say Xiaoming lives with him now, after a confirmation, and tells the grandmother', async () => {
    expect(await t.channel.say(father, '/moved', words.locale)).toEqual([words.askWhere]);
    expect(t.channel.lastTo(father)?.choices?.map((choice) => choice.label)).toEqual([words.withMe]);
    expect(await tap(father, words.withMe)).toEqual([words.confirmWithMe]);
    expect(await tap(father, words.yes)).toEqual([words.saved]);
    await t.app.settled();
    expect(t.channel.textsTo('nainai').at(-1)).toBe(`${father}告诉我：Xiaoming现在跟${father}住在一起了。这段时间，每个星期的游戏讲给${father}听。`);

    const stays = await t.database.prisma.childStay.findMany({});
    expect(stays.map((stay) => [stay.parentId, stay.since.toISOString(), stay.until])).toEqual([[fatherId, '2026-11-23T10:00:00.000Z', null]]);
    // Nothing of the plan is left to fire; the play reminder waits for the father, Wednesday 19:30 in Milan.
    expect(await planReminders({ dueAt: { not: null } })).toEqual([]);
    expect(await playReminders()).toEqual([
      { personId: fatherId, dueAt: new Date('2026-11-25T18:30:00Z') },
      { personId: fatherId, dueAt: new Date('2026-12-02T18:30:00Z') },
    ]);
  });

  it('sends the father the play ideas at the chosen time, and no nudge or summary all week', async () => {
    expect(await fireDue('2026-11-25T11:30:00Z')).toEqual({ father: [], grandmother: [] });
    const wednesday = await fireDue('2026-11-25T18:30:00Z');
    expect(wednesday.grandmother).toEqual([]);
    expect(wednesday.father.at(-1)).toContain(words.play);
    expect(await tap(father, words.done)).toHaveLength(1);
    // Sunday: the window's nudge time, then the evening summary. Neither comes, nor is any kept for later.
    expect(await fireDue('2026-11-29T07:45:00Z')).toEqual({ father: [], grandmother: [] });
    expect(await fireDue('2026-11-29T19:00:00Z')).toEqual({ father: [], grandmother: [] });
    expect(await planReminders({ dueAt: { not: null } })).toEqual([]);
    expect(t.channel.textsTo(father).some((text) => text.startsWith(words.nudge))).toBe(false);
  });

  it('starts the nudges again when Xiaoming goes home, and the grandmother hears the play ideas again', async () => {
    clock.set('2026-11-30T10:00:00Z');
    expect(await t.channel.say(father, '/moved', words.locale)).toEqual([words.askWhereAway]);
    expect(t.channel.lastTo(father)?.choices?.map((choice) => choice.label)).toEqual([words.home]);
    expect(await tap(father, words.home)).toEqual([words.confirmHome]);
    expect(await tap(father, words.yes)).toEqual([words.saved]);
    await t.app.settled();
    expect(t.channel.textsTo('nainai').at(-1)).toBe(`${father}告诉我：Xiaoming回家了。每个星期的游戏，又讲给家里人听。`);

    expect(await planReminders({ dueAt: { not: null } })).toEqual([
      { flowId: 'call-nudge', personId: fatherId, dueAt: new Date('2026-12-06T07:45:00Z') },
      { flowId: 'call-summary', personId: fatherId, dueAt: new Date('2026-12-06T19:00:00Z') },
      { flowId: 'call-nudge', personId: fatherId, dueAt: new Date('2026-12-13T07:45:00Z') },
      { flowId: 'call-summary', personId: fatherId, dueAt: new Date('2026-12-13T19:00:00Z') },
    ]);
    expect((await playReminders()).map((reminder) => reminder.personId)).toEqual([grandmotherId, grandmotherId]);

    const wednesday = await fireDue('2026-12-02T11:30:00Z');
    expect(wednesday.grandmother.at(-1)).toContain('🎈 这个星期和Xiaoming玩');
    // The father is told what Xiaoming plays at home, as before the move, and no longer gets the reminder himself.
    expect(wednesday.father).toEqual([expect.stringContaining('Xiaoming')]);
    expect(wednesday.father[0]).not.toContain(words.play);
    const sunday = await fireDue('2026-12-06T07:45:00Z');
    expect(sunday.father).toEqual([expect.stringContaining(words.nudge)]);
    expect(await tap(father, words.skip)).toHaveLength(1);
  });

  it('does not count the week they lived together as a week without a call', async () => {
    const evening = await fireDue('2026-12-06T19:00:00Z');
    // Two weeks without a logged call would be a gentle word; the week together does not count against him.
    expect(evening.father).toEqual([expect.stringContaining(words.summaryNone)]);
    const stays = await t.database.prisma.childStay.findMany({});
    expect(stays.map((stay) => [stay.since.toISOString(), stay.until?.toISOString()])).toEqual([['2026-11-23T10:00:00.000Z', '2026-11-30T10:00:00.000Z']]);
  });
});
