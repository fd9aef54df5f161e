import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposeWindows } from '../../src/features/calls/call-windows.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

const night = (from: number, to: number) => ({ startMinute: from * 60, endMinute: to * 60 });

describe('call windows that fit both ends', () => {
  const hechi = { timeZone: 'Asia/Shanghai', quiet: night(21, 8) };

  it('give a father in Milan weekend mornings, which are the late afternoon before bedtime in Hechi', () => {
    const milan = { timeZone: 'Europe/Rome', quiet: night(22, 7) };
    const winter = DateTime.fromISO('2026-11-23T00:00', { zone: 'Europe/Rome' });
    expect(proposeWindows(milan, hechi, winter, 3)).toEqual([
      { weekday: 6, startMinute: 9 * 60, endMinute: 13 * 60 },
      { weekday: 7, startMinute: 9 * 60, endMinute: 13 * 60 },
    ]);
    // In summer Milan is only six hours behind: the window grows to 14:00 (20:00 in Hechi).
    const summer = DateTime.fromISO('2026-06-01T00:00', { zone: 'Europe/Rome' });
    expect(proposeWindows(milan, hechi, summer, 1)).toEqual([{ weekday: 7, startMinute: 9 * 60, endMinute: 14 * 60 }]);
  });

  it('honour the quiet hours of both ends, and spread a father in Shanghai over the week', () => {
    const earlyNights = { timeZone: 'Asia/Shanghai', quiet: night(19, 8) };
    const milan = { timeZone: 'Europe/Rome', quiet: null };
    const week = DateTime.fromISO('2026-11-23T00:00', { zone: 'Europe/Rome' });
    expect(proposeWindows(milan, earlyNights, week, 1)).toEqual([{ weekday: 7, startMinute: 9 * 60, endMinute: 12 * 60 }]);
    const shanghai = { timeZone: 'Asia/Shanghai', quiet: null };
    const windows = proposeWindows(shanghai, hechi, DateTime.fromISO('2026-11-23T00:00', { zone: 'Asia/Shanghai' }), 2);
    expect(windows).toEqual([
      { weekday: 2, startMinute: 18 * 60, endMinute: 20 * 60 },
      { weekday: 6, startMinute: 9 * 60, endMinute: 20 * 60 },
    ]);
    // Bucharest in November is six hours behind: weekday evenings there are past bedtime in Hechi.
    const bucharest = { timeZone: 'Europe/Bucharest', quiet: null };
    expect(proposeWindows(bucharest, hechi, DateTime.fromISO('2026-11-23T00:00', { zone: 'Europe/Bucharest' }), 7).map((w) => w.weekday)).toEqual([6, 7]);
  });
});

describe('calls: plan, nudges, log, summary and escalation', () => {
  let clock: TestClock;
  let t: TestApp;
  let family: SeededFamily;
  let planId: string;

  beforeAll(async () => {
    // Monday 23 November 2026, 11:00 in Milan, 18:00 in Hechi.
    clock = new TestClock(new Date('2026-11-23T10:00:00Z'));
    t = await startTestApp({ clock, reminderSweepEveryMs: 0, callEscalationWeeks: 2 });
    family = await t.seedFamily();
  });
  afterAll(() => t.close());

  const last = (person: string) => t.channel.lastTo(person)?.text ?? '';
  const tap = (person: string, choiceId: string) => t.channel.tap(person, choiceId);
  async function fireDue(at: string): Promise<void> {
    clock.set(at);
    await t.keepRemindersScheduled();
    await t.app.reminders.sweep();
  }


  it('offer a father who joins a plan, proposed in both local times and explained', async () => {
    await t.onboard('nainai', family.codes.caregiver, { locale: 'zh-CN', city: '河池', quiet: '21-8' });
    await t.onboard('wei', family.codes.parent, { locale: 'en', city: 'Milan', quiet: '22-7', consent: 'consent_no' });
    await expect.poll(() => last('wei'), { timeout: 10_000 }).toContain('How many calls a week');
    const proposal = await tap('wei', '2');
    expect(proposal).toEqual([
      'These times suit both of you – you are free, Xiaoming is awake at home before bedtime, and nobody is woken up:\n\n' +
        '• Saturday 09:00–13:00 for you (Milan) = Saturday 16:00–20:00 at home (Hechi)\n' +
        '• Sunday 09:00–13:00 for you (Milan) = Sunday 16:00–20:00 at home (Hechi)\n\n' +
        'Shall I remind you a little before each of them?',
    ]);
    expect(await tap('wei', 'yes')).toEqual([expect.stringContaining('I will remind you shortly before each time')]);
    const plan = await t.database.prisma.callPlan.findFirstOrThrow({ where: { familyId: family.familyId } });
    planId = plan.id;
    expect(plan.targetPerWeek).toBe(2);
    const pending = await t.database.prisma.scheduledReminder.findMany({ where: { subject: `call-plan:${planId}` }, orderBy: { dueAt: 'asc' } });
    // Alone in their second, they fire when due; in a burst a nudge may come 15 minutes earlier, the summary 30.
    expect(pending.map((r) => [r.flowId, r.dueAt?.toISOString(), r.plannedAt?.toISOString(), r.toleranceSeconds])).toEqual([
      ['call-nudge', '2026-11-28T07:45:00.000Z', '2026-11-28T07:45:00.000Z', 900],
      ['call-nudge', '2026-11-29T07:45:00.000Z', '2026-11-29T07:45:00.000Z', 900],
      ['call-summary', '2026-11-29T19:00:00.000Z', '2026-11-29T19:00:00.000Z', 1800],
    ]);
  });

  it('nudge before the window with a conversation starter, and log "We talked ✓"', async () => {
    await fireDue('2026-11-28T07:45:00Z');
    await expect.poll(() => last('wei'), { timeout: 10_000 }).toContain('Soon it is a good time to call Xiaoming');
    const nudge = t.channel.lastTo('wei')!;
    expect(nudge.text).toBe(
      'Soon it is a good time to call Xiaoming: Saturday 09:00–13:00 for you (Milan) = Saturday 16:00–20:00 at home (Hechi)\n' +
        'Xiaoming is 5 now – ask about their day, a friend, a favourite game.',
    );
    expect(nudge.choices?.map((c) => c.label)).toEqual(['We talked ✓', 'Remind me in 1 hour', 'Not this week']);
    expect(await tap('wei', 'talked')).toEqual(['Wonderful! That is 1 call with Xiaoming this week (your plan: 2).']);
    // The answer outlives the nudge's session: kept as a result of the flow, about the plan's child, at the app's time.
    const kept = await t.database.prisma.flowResult.findMany({ where: { flowId: 'call-nudge', name: 'nudge_answer' } });
    const plan = await t.database.prisma.callPlan.findUniqueOrThrow({ where: { id: planId } });
    expect(kept.map(({ value, category, childId, personId, recordedAt }) => ({ value, category, childId, personId, recordedAt: recordedAt.toISOString() }))).toEqual([
      { value: 'talked', category: 'talked', childId: plan.childId, personId: plan.parentId, recordedAt: expect.stringMatching(/^2026-11-28T07:4/) },
    ]);
  });

  it('snooze for an hour, count a caregiver’s "we talked", and stay quiet once the week’s target is met', async () => {
    await fireDue('2026-11-29T07:45:00Z');
    await expect.poll(() => last('wei'), { timeout: 10_000 }).toContain('You last talked on Saturday, November 28.');
    expect(await tap('wei', 'later')).toEqual(['Of course. I will remind you again at 09:45.']);
    clock.set('2026-11-29T08:00:00Z');
    // The play-time question she left open after joining (flow play-plan) comes back once the call is logged.
    expect(await t.channel.say('nainai', '/talked')).toEqual(['谢谢！记下了：wei和Xiaoming通了电话，这个星期一共2次。', expect.stringContaining('哪一天给您讲好')]);
    const before = t.channel.textsTo('wei').length;
    await fireDue('2026-11-29T08:45:00Z');
    await t.app.settled();
    await t.channel.say('wei', '/help');
    expect(t.channel.textsTo('wei').slice(before)).toEqual([expect.stringContaining('/calls – plan calls with your child')]);
  });

  it('sum the week up on Sunday evening, celebrating the streak', async () => {
    await fireDue('2026-11-29T19:00:00Z');
    await expect.poll(() => last('wei'), { timeout: 10_000 }).toBe(
      'Your week with Xiaoming: 2 calls (your plan: 2) 🎉 Weeks in a row with a call: 1. Last call: Sunday, November 29.',
    );
  });

  it('after weeks without a call, speak gently to the father, then alert the coordinators, who alone can list it', async () => {
    const cohortInvite = await t.app.services.invites.issue({ role: 'coordinator', cohortId: family.cohortId });
    await t.channel.say('lan', `/start ${cohortInvite.code}`);
    const other = await t.seedFamily('Li family');
    const otherInvite = await t.app.services.invites.issue({ role: 'coordinator', cohortId: other.cohortId });
    await t.channel.say('zhou', `/start ${otherInvite.code}`);

    await fireDue('2026-12-06T19:00:00Z');
    await expect.poll(() => t.channel.textsTo('wei'), { timeout: 10_000 }).toContainEqual(expect.stringContaining('No call with Xiaoming was logged this week.'));
    await fireDue('2026-12-13T19:00:00Z');
    await expect.poll(() => t.channel.textsTo('wei'), { timeout: 10_000 }).toContainEqual(
      expect.stringContaining('It has been 2 weeks since you and Xiaoming last talked.'),
    );
    expect(t.channel.textsTo('lan').some((text) => text.includes('no call for'))).toBe(false);
    await fireDue('2026-12-20T19:00:00Z');
    await expect.poll(() => t.channel.textsTo('lan').slice(-2), { timeout: 10_000 }).toEqual([
      'Needs attention:\n• Wang family: wei and Xiaoming – no call for 3 weeks (since Dec 21, 2026)',
      'Will you look after this (Wang family)? Send /alerts to see everything open.',
    ]);

    expect(await t.channel.say('lan', '/alerts')).toEqual([
      'Needs attention:\n• Wang family: wei and Xiaoming – no call for 3 weeks (since Dec 21, 2026)',
      'Will you look after this (Wang family)? Send /alerts to see everything open.',
    ]);
    expect(await t.channel.say('zhou', '/alerts')).toEqual(['Nothing needs attention. Every family you look after is in touch.']);
    expect((await t.channel.say('wei', '/alerts'))[0]).toBe('This list is for the coordinators and teachers who look after families.');
    expect(t.channel.textsTo('zhou').some((text) => text.includes('no call for'))).toBe(false);

    // Lan takes it: the others see who is on it.
    expect(await t.channel.tap('lan', 'take')).toEqual(['Thank you. It is yours now; the others can see that you are on it.']);
    expect(await t.channel.say('lan', '/alerts')).toEqual(['Needs attention:\n• Wang family: wei and Xiaoming – no call for 3 weeks (since Dec 21, 2026) – lan is on it']);

    // A call closes the item, and its trail says why.
    expect((await t.channel.say('wei', '/talked'))[0]).toBe('Thank you! The call of wei with Xiaoming is logged – 1 this week.');
    expect(await t.channel.say('lan', '/alerts')).toEqual(['Nothing needs attention. Every family you look after is in touch.']);
    const item = await t.database.prisma.attentionItem.findFirstOrThrow({ where: { familyId: family.familyId }, include: { trail: { orderBy: { at: 'asc' } } } });
    expect(item.trail.map((event) => [event.action, event.detail])).toEqual([['raised', null], ['acknowledged', null], ['closed', { reason: 'a call was logged' }]]);
  });

  it('keep plans within the family: outsiders and teachers can neither see nor log them', async () => {
    const other = await t.seedFamily('Zhang family');
    await t.channel.say('stranger', `/start ${other.codes.caregiver}`);
    // The family's first teacher code expired while the weeks went by: the coordinator issues a fresh one.
    const teacherCode = (await t.app.services.invites.issue({ role: 'teacher', familyId: family.familyId })).code;
    await t.channel.say('teacher', `/start ${teacherCode}`);
    const idOf = async (name: string) => (await t.database.prisma.person.findFirstOrThrow({ where: { identities: { some: { externalId: name } } } })).id;
    for (const outsider of [await idOf('stranger'), await idOf('teacher')]) {
      expect(await t.app.services.calls.plans.planFor(outsider, planId)).toBeUndefined();
      expect(await t.app.services.calls.plans.plansLoggableBy(outsider)).toEqual([]);
      // Nor can they log a call without a plan for someone else's family.
      expect((await t.app.services.calls.log.pairsWithoutPlan(outsider)).map((pair) => pair.familyId)).not.toContain(family.familyId);
    }
    const calls = await t.database.prisma.callLog.count({ where: { planId } });
    // The outsider's own family has no parent yet: nothing to log there either.
    expect((await t.channel.say('stranger', '/talked'))[0]).toContain("parents have not joined Kinbridge yet, so there is no call to log.");
    expect(await t.channel.say('stranger', '/calls')).toEqual(['Call plans are for parents. Once you have joined your family as a parent, send /calls.']);
    expect(await t.database.prisma.callLog.count({ where: { planId } })).toBe(calls);
  });

  it('keep nudging a father who stopped and came back: the plan schedules its weeks, not a flow step', async () => {
    expect((await t.channel.say('wei', '/stop'))[0]).toContain('You will not receive any more messages');
    const before = t.channel.textsTo('wei').length;
    // A week goes by while he is away: its nudge and its summary (which used to schedule the next week) reach nobody.
    await fireDue('2026-12-26T07:45:00Z');
    await fireDue('2026-12-27T19:00:00Z');
    await t.app.settled();
    expect(t.channel.textsTo('wei')).toHaveLength(before);

    expect((await t.channel.say('wei', '/start'))[0]).toContain('Welcome back');
    // Saturday 2 January, 08:45 in Milan: the next week's nudge comes as before.
    await fireDue('2027-01-02T07:45:00Z');
    await expect.poll(() => last('wei'), { timeout: 10_000 }).toContain('Soon it is a good time to call Xiaoming');
  });
});
