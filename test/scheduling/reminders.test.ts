import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReminderStore } from '../../src/scheduling/reminder-store.js';
import { deferPastQuietHours } from '../../src/core/quiet-hours.js';
import { createFlowWorkspace, type FlowWorkspace } from '../support/flow-workspace.js';
import { MemoryChannel } from '../support/memory-channel.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

const PING = `
id: ping
steps:
  - id: say
    end: { text: test:ping }
`;
const MOVE = `
id: move
triggers:
  - command: move
steps:
  - id: set_city
    action: people.setCity
    args: { city: "{{args}}" }
  - id: done
    end: { text: test:moved }
`;
const QUIET = `
id: quiet
triggers:
  - command: quiet
steps:
  - id: set_quiet
    action: people.setQuietHours
    args: { hours: "{{args}}" }
  - id: done
    end: { text: test:moved }
`;
const texts = { ping: 'Ping {{label}}', moved: 'Saved.' };

describe('quiet hours on the recipient’s own clock', () => {
  const night = { startMinute: 22 * 60, endMinute: 7 * 60 };

  it('defer a time inside them to their end, across midnight and DST, and leave others alone', () => {
    // 23:30 in Rome on the night clocks spring forward: 07:00 the next morning is already UTC+2.
    expect(deferPastQuietHours(new Date('2026-03-28T22:30:00Z'), 'Europe/Rome', night).toISOString()).toBe('2026-03-29T05:00:00.000Z');
    // 01:00 in Bucharest on the night clocks fall back (UTC+3 → UTC+2): the same day's 07:00 is UTC+2.
    expect(deferPastQuietHours(new Date('2026-10-24T22:00:00Z'), 'Europe/Bucharest', night).toISOString()).toBe('2026-10-25T05:00:00.000Z');
    // Shanghai has no DST: 06:59 → 07:00, always UTC+8.
    expect(deferPastQuietHours(new Date('2026-03-28T22:59:00Z'), 'Asia/Shanghai', night).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(deferPastQuietHours(new Date('2026-03-28T12:00:00Z'), 'Asia/Shanghai', night).toISOString()).toBe('2026-03-28T12:00:00.000Z');
    // A daytime window (13:00–14:00, a nap) does not cross midnight.
    const nap = { startMinute: 13 * 60, endMinute: 14 * 60 };
    expect(deferPastQuietHours(new Date('2026-06-01T05:30:00Z'), 'Asia/Shanghai', nap).toISOString()).toBe('2026-06-01T06:00:00.000Z');
    expect(deferPastQuietHours(new Date('2026-06-01T05:30:00Z'), 'Asia/Shanghai', null).toISOString()).toBe('2026-06-01T05:30:00.000Z');
  });
});

describe('the reminder scheduler', () => {
  let workspace: FlowWorkspace;
  let clock: TestClock;
  let t: TestApp;

  beforeAll(async () => {
    workspace = createFlowWorkspace({ 'ping.yaml': PING, 'move.yaml': MOVE, 'quiet.yaml': QUIET }, { en: texts, 'zh-CN': texts });
    clock = new TestClock(new Date('2026-03-27T12:00:00Z'));
    t = await startTestApp({ flowsDir: workspace.flowsDir, localesDir: workspace.localesDir, clock, reminderSweepEveryMs: 0, welcomeStrangers: true });
  });
  afterAll(() => t.close());

  async function person(name: string, timeZone: string, quiet?: [number, number]): Promise<string> {
    await t.channel.say(name, '/help');
    const found = await t.database.prisma.person.findFirstOrThrow({ where: { identities: { some: { externalId: name } } } });
    await t.database.prisma.person.update({
      where: { id: found.id },
      data: { timeZone, quietStartMinute: quiet ? quiet[0] * 60 : null, quietEndMinute: quiet ? quiet[1] * 60 : null },
    });
    return found.id;
  }

  const pings = (channel: MemoryChannel, name: string) => channel.textsTo(name).filter((text) => text.startsWith('Ping'));
  const ping = (personId: string, label: string, at: { instant: Date } | { localTime: string }) => ({
    subject: `test:${label}`,
    occurrence: label,
    personId,
    flowId: 'ping',
    vars: { label },
    at,
  });
  const dueAt = async (label: string) => (await t.database.prisma.scheduledReminder.findFirstOrThrow({ where: { subject: `test:${label}` } })).dueAt;

  it('fire a reminder due inside quiet hours when they end, not before and not never', async () => {
    const id = await person('rome', 'Europe/Rome', [22, 7]);
    await t.app.services.reminders.schedule([ping(id, 'late', { localTime: '2026-03-28T23:30' })]);
    // The night of the spring-forward switch: 07:00 on the 29th is 05:00 UTC.
    expect((await dueAt('late'))!.toISOString()).toBe('2026-03-29T05:00:00.000Z');
    clock.set('2026-03-28T22:31:00Z');
    expect(await t.app.reminders.sweep()).toBe(0);
    clock.set('2026-03-29T05:00:00Z');
    expect(await t.app.reminders.sweep()).toBe(1);
    await expect.poll(() => pings(t.channel, 'rome'), { timeout: 10_000 }).toEqual(['Ping late']);
  });

  it('schedule each (subject, occurrence) once, and cancel what is pending', async () => {
    const id = await person('bucharest', 'Europe/Bucharest');
    const request = ping(id, 'once', { instant: new Date('2026-03-29T06:00:00Z') });
    expect(await t.app.services.reminders.schedule([request, request])).toBe(1);
    expect(await t.app.services.reminders.schedule([request])).toBe(0);
    await t.app.services.reminders.schedule([ping(id, 'cancelled', { instant: new Date('2026-03-29T06:00:00Z') })]);
    expect(await t.app.services.reminders.cancel('test:cancelled')).toBe(1);
    clock.set('2026-03-29T06:00:00Z');
    expect(await t.app.reminders.sweep()).toBe(1);
    await expect.poll(() => pings(t.channel, 'bucharest'), { timeout: 10_000 }).toEqual(['Ping once']);
  });

  it('schedule a cancelled occurrence again, for whoever it names now, and leave a fired one alone', async () => {
    // A play reminder paused while the child lived with the father goes to the grandmother again, under the same week.
    const father = await person('riga', 'Europe/Riga');
    const grandmother = await person('tallinn', 'Europe/Tallinn');
    const at = { instant: new Date('2026-03-29T07:00:00Z') };
    await t.app.services.reminders.schedule([ping(father, 'paused', at)]);
    expect(await t.app.services.reminders.cancel('test:paused')).toBe(1);
    expect(await t.app.services.reminders.schedule([ping(grandmother, 'paused', at)])).toBe(1);
    clock.set('2026-03-29T07:00:00Z');
    expect(await t.app.reminders.sweep()).toBe(1);
    await expect.poll(() => pings(t.channel, 'tallinn'), { timeout: 10_000 }).toEqual(['Ping paused']);
    expect(pings(t.channel, 'riga')).toEqual([]);
    expect(await t.app.services.reminders.schedule([ping(father, 'paused', at)])).toBe(0);
  });

  it('re-time pending reminders when the person moves or changes quiet hours', async () => {
    const id = await person('mover', 'Asia/Shanghai');
    clock.set('2026-03-30T00:00:00Z');
    await t.app.services.reminders.schedule([
      ping(id, 'local', { localTime: '2026-04-01T19:00' }),
      ping(id, 'instant', { instant: new Date('2026-04-01T21:30:00Z') }),
    ]);
    expect((await dueAt('local'))!.toISOString()).toBe('2026-04-01T11:00:00.000Z');
    // Through the real action: Milan is UTC+2 in April, so 19:00 there is 17:00 UTC.
    expect(await t.channel.say('mover', '/move Milan')).toEqual(['Saved.']);
    expect((await dueAt('local'))!.toISOString()).toBe('2026-04-01T17:00:00.000Z');
    expect((await dueAt('instant'))!.toISOString()).toBe('2026-04-01T21:30:00.000Z');
    // 21:30 UTC is 23:30 in Milan: with quiet hours 22–7 it waits for 07:00 (05:00 UTC).
    expect(await t.channel.say('mover', '/quiet 22-7')).toEqual(['Saved.']);
    expect((await dueAt('instant'))!.toISOString()).toBe('2026-04-02T05:00:00.000Z');
    expect((await dueAt('local'))!.toISOString()).toBe('2026-04-01T17:00:00.000Z');
  });

  /** Reminders of a subject by when the plan fires them, and how many each second holds at most. */
  async function plannedOf(subject: string): Promise<{ planned: number[]; busiestSecond: number }> {
    const rows = await t.database.prisma.scheduledReminder.findMany({ where: { subject }, select: { plannedAt: true } });
    const planned = rows.map((row) => row.plannedAt!.getTime()).sort((a, b) => a - b);
    const perSecond = new Map<number, number>();
    for (const at of planned) perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
    return { planned, busiestSecond: Math.max(...perSecond.values()) };
  }

  const burst = (personId: string, label: string, count: number, at: { instant: Date } | { localTime: string }, first = 0) =>
    Array.from({ length: count }, (_, i) => ({ ...ping(personId, label, at), occurrence: `${label}:${first + i}`, toleranceSeconds: 900 }));

  it('spread a burst over its tolerance before the due time, never over the rate, counting what was planned before, and sweep it as planned', async () => {
    const id = await person('burst', 'Asia/Shanghai');
    const due = new Date('2026-04-02T11:00:00Z');
    clock.set('2026-04-02T10:00:00Z');
    // Two features' reminders for the same second, scheduled apart: the second call counts the first one's seconds.
    await t.app.services.reminders.schedule(burst(id, 'burst', 500, { instant: due }));
    await t.app.services.reminders.schedule(burst(id, 'burst', 500, { instant: due }, 500));
    const { planned, busiestSecond } = await plannedOf('test:burst');
    expect(planned).toHaveLength(1000);
    expect(planned.filter((at) => at < due.getTime() - 900_000 || at > due.getTime())).toEqual([]);
    expect(busiestSecond).toBe(25);
    expect(planned.at(-1)).toBe(due.getTime());

    // A sweep takes what is planned by then, ahead of the due time.
    clock.set(new Date(due.getTime() - 20_000));
    const sweeper = new ReminderStore(t.database.prisma, clock);
    const claimed = (await sweeper.claimDue(2000, 60_000)).filter((reminder) => reminder.dueAt.getTime() === due.getTime());
    expect(claimed).toHaveLength(planned.filter((at) => at <= clock.now().getTime()).length);
    expect(claimed.length).toBeGreaterThan(300);
    expect(claimed.every((reminder) => reminder.plannedAt <= clock.now())).toBe(true);
    await t.app.services.reminders.cancel('test:burst');
  });

  it('spread a burst no earlier than the end of the quiet hours, and late rather than over the rate when its tolerance is full', async () => {
    const id = await person('early-bird', 'Asia/Shanghai', [22, 7]);
    clock.set('2026-04-03T00:00:00Z');
    // One reminder a second: 400 due at 07:05 with 15 minutes' tolerance, but quiet until 07:00 (23:00 UTC).
    const slow = new ReminderStore(t.database.prisma, clock, { sendsPerSecond: 1 });
    await slow.schedule(burst(id, 'dawn', 400, { localTime: '2026-04-04T07:05' }));
    const { planned, busiestSecond } = await plannedOf('test:dawn');
    const quietEnd = Date.parse('2026-04-03T23:00:00Z');
    const due = quietEnd + 5 * 60_000;
    expect(planned[0]).toBe(quietEnd);
    expect(busiestSecond).toBe(1);
    expect(planned.filter((at) => at <= due)).toHaveLength(301);
    expect(planned.at(-1)).toBe(due + 99_000);
    await slow.cancel('test:dawn');
  });

  it('fire once, late rather than never, when a sweeper dies holding due reminders and the bot restarts', async () => {
    const id = await person('restart', 'Asia/Shanghai');
    clock.set('2026-03-31T00:00:00Z');
    await t.app.services.reminders.schedule([ping(id, 'crash', { instant: new Date('2026-03-31T00:00:00Z') })]);
    // A sweeper claims the reminder and dies before handing it to a worker; then the bot stops.
    const dyingSweeper = new ReminderStore(t.database.prisma, clock);
    expect(await dyingSweeper.claimDue(10, 60_000)).toHaveLength(1);
    await t.stopApp();

    const channel = new MemoryChannel();
    const restarted = await startTestApp({
      database: t.database,
      redisPrefix: t.redisPrefix,
      flowsDir: workspace.flowsDir,
      localesDir: workspace.localesDir,
      clock,
      reminderSweepEveryMs: 0,
      welcomeStrangers: true,
      channels: [channel],
    });
    try {
      // The lease still holds: nobody else fires it yet.
      expect(await restarted.app.reminders.sweep()).toBe(0);
      clock.advance(61_000);
      expect(await restarted.app.reminders.sweep()).toBe(1);
      await expect.poll(() => pings(channel, 'restart'), { timeout: 10_000 }).toEqual(['Ping crash']);
      await expect.poll(async () => (await t.database.prisma.scheduledReminder.findFirstOrThrow({ where: { subject: 'test:crash' } })).firedAt).not.toBeNull();

      // Handed over again (its hand-over never committed, say): the worker finds it fired and sends nothing.
      await t.database.prisma.scheduledReminder.updateMany({ where: { subject: 'test:crash' }, data: { dueAt: clock.now(), plannedAt: clock.now() } });
      expect(await restarted.app.reminders.sweep()).toBe(1);
      await restarted.app.settled();
      await channel.say('restart', '/help');
      expect(pings(channel, 'restart')).toEqual(['Ping crash']);
    } finally {
      await restarted.stopApp();
    }
  });
});
