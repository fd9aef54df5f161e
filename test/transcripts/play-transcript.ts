import { expect, vi } from 'vitest';
import { FlowRunner } from '../../src/engine/flow-runner.js';
import type { OutboundMessage } from '../../src/core/messages.js';
import type { Delivered } from '../support/memory-channel.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';
import type { Expected, Transcript, TranscriptLine } from './transcript.js';

type Role = 'parent' | 'caregiver' | 'teacher';

/** The longest interval a Node timer takes (about 24 days): a periodic check that never comes within a test. */
const NEVER_MS = 2 ** 31 - 1;

/** Plays a transcript through the MemoryChannel against the real bot (PostgreSQL, Redis, flows, locales). */
export async function playTranscript(transcript: Transcript): Promise<void> {
  const clock = new TestClock(new Date(transcript.clock));
  // Reminders fire when the transcript moves the clock past them, not when a background sweep happens to run; the
  // periodic broadcast check (a coordinator's delivery report) never runs within a conversation, rather than sometimes.
  const t = await startTestApp({ clock, reminderSweepEveryMs: 0, broadcastCheckEveryMs: NEVER_MS });
  try {
    const family = await seed(t, transcript);
    const started = vi.spyOn(FlowRunner.prototype, 'start');
    try {
      await new Conversation(t, clock, transcript, family).play();
      const flows = [...new Set(started.mock.calls.map(([, flow]) => flow.id))].sort();
      expect(flows, `${transcript.file}: the flows the conversation went through (its "flows:")`).toEqual([...transcript.flows].sort());
    } finally {
      started.mockRestore();
    }
  } finally {
    await t.close();
  }
}

interface SeededFamily {
  readonly familyId: string;
  readonly coordinatorId: string;
}

async function seed(t: TestApp, transcript: Transcript): Promise<SeededFamily> {
  const { prisma } = t.database;
  const coordinatorName = transcript.coordinator?.name ?? 'coordinator';
  const coordinator = await prisma.person.create({ data: { displayName: coordinatorName, locale: transcript.coordinator?.language ?? 'en' } });
  if (transcript.coordinator) await prisma.channelIdentity.create({ data: { channel: t.channel.name, externalId: coordinatorName, personId: coordinator.id } });
  // The database is the transcript's own, so the group's name is as written.
  const cohort = await prisma.cohort.create({ data: { name: transcript.coordinator?.group ?? 'Sunshine kindergarten' } });
  await prisma.cohortCoordinator.create({ data: { cohortId: cohort.id, personId: coordinator.id } });
  const { familyId } = await t.app.services.families.create(coordinator.id, {
    name: transcript.family.name,
    cohortId: cohort.id,
    children: [{ name: transcript.family.child, birthDate: transcript.family.born }],
  });
  const seeded = { familyId, coordinatorId: coordinator.id };
  for (const person of transcript.joined) {
    const code = await freshCode(t, seeded, person.role);
    const consent = person.role === 'parent' ? (person.photos ? 'consent_yes' : 'consent_no') : undefined;
    await t.onboard(person.name, code, { locale: person.language, city: person.city, quiet: person.quiet, ...(consent ? { consent } : {}) });
  }
  // They joined some time ago: whatever they were offered on joining (a call plan) is behind them.
  await t.app.settled();
  await prisma.flowSession.deleteMany({});
  return seeded;
}

async function freshCode(t: TestApp, family: SeededFamily, role: Role): Promise<string> {
  return (await t.app.services.families.reinvite(family.coordinatorId, family.familyId, role)).code;
}

class Conversation {
  /** Messages sent since the last input and not yet matched against the transcript, per person. */
  private readonly unread = new Map<string, Delivered[]>();
  private seen: number;
  private speaker: string | undefined;
  private lastChecked: Delivered | undefined;

  constructor(
    private readonly t: TestApp,
    private readonly clock: TestClock,
    private readonly transcript: Transcript,
    private readonly family: SeededFamily,
  ) {
    this.seen = t.channel.delivered.length;
  }

  async play(): Promise<void> {
    for (const [index, line] of this.transcript.lines.entries()) await this.step(line, `${this.transcript.file}, line ${index + 1} of the conversation`);
    this.expectAllRead(`${this.transcript.file}, at the end of the conversation`);
  }

  private async step(line: TranscriptLine, where: string): Promise<void> {
    switch (line.kind) {
      case 'says':
        this.expectAllRead(where);
        this.speaker = line.person;
        await this.t.channel.say(line.person, await this.filled(line.text), this.transcript.language);
        return this.collect();
      case 'taps': {
        this.expectAllRead(where);
        this.speaker = line.person;
        const offered = this.t.channel.delivered.filter((d) => d.chatId === line.person).flatMap((d) => d.message.choices ?? []);
        const button = offered.findLast((choice) => choice.label === line.label);
        expect(button, `${where}: ${line.person} sees no button "${line.label}"`).toBeDefined();
        await this.t.channel.deliver(line.person, { kind: 'choice', choiceId: button!.id }, this.transcript.language);
        return this.collect();
      }
      case 'bot':
        expect(this.speaker, `${where}: "bot" answers someone, so a person speaks first`).toBeDefined();
        return this.read(this.speaker!, line.messages, where);
      case 'hears':
        return this.read(line.person, line.messages, where);
      case 'buttons':
        expect(this.lastChecked?.message.choices?.map((choice) => choice.label) ?? [], `${where}: buttons`).toEqual(line.labels);
        return;
      case 'clock':
        this.expectAllRead(where);
        this.moveClock(line.to);
        await this.passTime();
        await this.collect();
        return;
      case 'due':
        this.expectAllRead(where);
        if (line.at) this.moveClock(line.at);
        await this.t.app.recurring.runNow(line.job);
        await this.t.app.reminders.sweep();
        await this.collect();
    }
  }

  /** What the recurring jobs and the reminder sweep do in production while that time passes. */
  private async passTime(): Promise<void> {
    await this.t.keepRemindersScheduled();
    await this.t.app.recurring.runNow('checkins.keep-scheduled');
    // A reminder that fires can set another one that is due by now (the parent's note after the caregiver's reminder).
    while ((await this.t.app.reminders.sweep()) > 0) await this.t.app.settled();
  }

  /** `{{code.caregiver}}` becomes a fresh invite code of that role. */
  private async filled(text: string): Promise<string> {
    const role = /\{\{code\.(parent|caregiver|teacher)\}\}/.exec(text)?.[1] as Role | undefined;
    return role ? text.replace(`{{code.${role}}}`, await freshCode(this.t, this.family, role)) : text;
  }

  private async collect(): Promise<void> {
    await this.t.app.settled();
    const fresh = this.t.channel.delivered.slice(this.seen);
    this.seen += fresh.length;
    for (const delivered of fresh) this.unread.set(delivered.chatId, [...(this.unread.get(delivered.chatId) ?? []), delivered]);
  }

  private read(person: string, messages: readonly Expected[], where: string): void {
    const unread = this.unread.get(person) ?? [];
    for (const expected of messages) {
      const next = unread.shift();
      const want = typeof expected === 'string' ? { text: expected } : expected;
      const [actual, wanted] = comparable(next ? said(next.message) : '(nothing)', want.text);
      expect(actual, `${where}: what ${person} gets`).toBe(wanted);
      if (want.buttons) expect(next?.message.choices?.map((choice) => choice.label), `${where}: buttons ${person} gets`).toEqual(want.buttons);
      this.lastChecked = next;
    }
  }

  private expectAllRead(where: string): void {
    const left = [...this.unread.entries()].flatMap(([person, messages]) => messages.map((m) => `${person} gets: ${said(m.message)}`));
    expect(left, `${where}: messages the transcript does not write down`).toEqual([]);
  }

  private moveClock(to: string): void {
    const relative = /^\+(\d+)([mhd])$/.exec(to);
    if (!relative) return this.clock.set(new Date(to));
    const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
    this.clock.advance(Number(relative[1]) * unitMs);
  }
}

/** A message as a transcript writes it: its words, or what it is when it has none ("(voice message)"). */
function said(message: OutboundMessage): string {
  if (message.text !== undefined) return message.text;
  if (message.voice) return '(voice message)';
  if (message.photo || message.album) return '(photo)';
  return message.video ? '(video)' : '(media)';
}

/** Exact words, or only the beginning of them when the transcript's text ends in "…". */
function comparable(actual: string, expected: string): [string, string] {
  if (!expected.endsWith('…')) return [actual, expected];
  const beginning = expected.slice(0, -1);
  return [actual.slice(0, beginning.length), beginning];
}
