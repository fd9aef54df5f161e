import type { Logger } from 'pino';
import type { DomainEvent } from '../core/events.js';
import type { PersonView } from '../core/flow-action.js';
import type { InboundListener, SenderRoles } from '../core/inbound-listener.js';
import type { PeopleDirectory } from '../core/people.js';
import type { Address, InboundMessage, MessagePurpose, OutboundMessage } from '../core/messages.js';
import type { OutboxItem } from '../core/outbox-writer.js';
import type { EngineJob, TimerScheduler } from './engine-queue.js';
import type { Flow } from './flow-definition.js';
import type { FlowCatalog, TriggerMatch } from './flow-catalog.js';
import type { FlowRunner, Turn } from './flow-runner.js';
import { KeyedSerializer } from './keyed-serializer.js';
import { SessionConflictError, type LoadedSession, type SessionStore } from './session-store.js';
import type { TurnCommitter } from './turn-committer.js';
import { UpdateOutOfOrderError, type JournaledUpdate } from './inbound-journal.js';
import type { TurnReader } from './turn-reader.js';
import { runWithinTurn, type TurnWrites } from '../core/turn-scope.js';
import type { Translator } from './translator.js';
import type { InboundAdmission } from './inbound-gate.js';
import { parseCommand } from './parse-command.js';

export interface EngineDependencies {
  readonly catalog: FlowCatalog;
  readonly runner: FlowRunner;
  readonly sessions: SessionStore;
  /** Reads the sender, their session and the update's place in their order, in one round trip. */
  readonly reader: TurnReader;
  readonly people: PeopleDirectory;
  /** Decides who is heard at all: flood limits, and strangers without an invite code. */
  readonly gate: InboundAdmission;
  readonly timers: TimerScheduler;
  /** Where the events a turn published go once it committed. */
  readonly events: CommittedEvents;
  /** Writes a turn's session, messages and handled mark in one transaction. */
  readonly commits: TurnCommitter;
  readonly translator: Translator;
  readonly logger: Logger;
  /** Hear every admitted message before the flows answer it (safeguarding). */
  readonly listeners?: readonly InboundListener[];
}

export interface CommittedEvents {
  publishNow(events: readonly DomainEvent[]): Promise<void>;
}

/** The command that brings an opted-out person back; every other message gets only a reminder of it. */
const RETURN_COMMAND = 'start';
/** A turn that lost the race for a session to another worker this many times in a row gives up (and is logged). */
const MAX_TURN_ATTEMPTS = 5;

/**
 * Turns inbound messages, timers and events into flow steps for one person at a time.
 * Each turn: load the person and the session → run steps (messages they write are held) → one transaction saves the
 * session over the version read, writes the messages and timers and marks the update handled → timers are scheduled. A turn
 * whose session changed meanwhile (another worker) is run again; one that failed leaves no message but the apology.
 */
export class ConversationEngine {
  private readonly serializer = new KeyedSerializer();

  constructor(private readonly deps: EngineDependencies) {}

  private inFlight = 0;

  /** True while an inbound message or a job is being handled. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  /**
   * Handles one journaled update (see InboundDispatcher): its turn marks it handled. Throws UpdateOutOfOrderError,
   * having done nothing, when an older update of the sender is still unhandled.
   */
  async handleInbound(update: JournaledUpdate): Promise<void> {
    await this.counted(async () => {
      const readAt = this.serializer.mark();
      const context = await this.deps.reader.read(update);
      if (context.behind) throw new UpdateOutOfOrderError(update.seq);
      // What the gate answers (a stranger's one reply, a flood notice) commits with the update's handled mark.
      const writes: TurnWrites = { outbox: [], events: [] };
      const admitted = await runWithinTurn(writes, () => this.deps.gate.admit(update.message, context.sender));
      if (!admitted) {
        await this.deps.commits.commit({ inboundSeq: update.seq, outbox: writes.outbox });
        await this.deps.events.publishNow(writes.events);
        return;
      }
      const { person, message: heard } = admitted;
      const address: Address = { channel: heard.channel, chatId: heard.chatId };
      // A known sender's session was read with the update; one who just became a person has none yet (should a first
      // message of theirs in another process have won the race to create them, the save is refused and read again).
      // A turn of theirs here (an event, a timer) that ran since the read, or is still to run first, may have changed
      // it: then it is read after that turn, as a stale one would cost a session conflict, and a turn run again
      // repeats what its actions did.
      const session = this.serializer.ranSince(person.id, readAt) ? undefined : context.sender ? context.session : { state: null, version: null };
      await this.serializer.run(person.id, async () => {
        const answered = await this.tellListeners(person, context.sender?.roles ?? [], heard);
        await this.turn(person, address, (turn) => (answered ? Promise.resolve() : this.respond(turn, heard)), { inboundSeq: update.seq, session });
      });
    });
  }

  /** Whether a listener answered the message itself. A listener that fails is logged; the person still gets their answer. */
  private async tellListeners(person: PersonView, roles: SenderRoles, message: InboundMessage): Promise<boolean> {
    let answered = false;
    for (const listener of this.deps.listeners ?? []) {
      if (listener.hears && !listener.hears(roles)) continue;
      try {
        if ((await listener.heard(person, message)) === 'answered') answered = true;
      } catch (error) {
        this.deps.logger.error({ err: error, personId: person.id, listener: listener.name }, 'an inbound listener failed');
      }
    }
    return answered;
  }

  async handleJob(job: EngineJob): Promise<void> {
    await this.counted(async () => {
      if (job.kind === 'timer') await this.proactive(job.personId, (turn) => this.deps.runner.timerFired(turn, job.token).then(() => undefined), { firedTimer: job.token });
      else if (job.kind === 'event') await this.startEventFlows(job.event);
      else await this.startScheduledFlow(job.flowId, job.roles);
    });
  }

  private async counted(work: () => Promise<void>): Promise<void> {
    this.inFlight += 1;
    try {
      await work();
    } finally {
      this.inFlight -= 1;
    }
  }

  /**
   * Starts a flow for one person on the bot's own initiative (a reminder came due); the flow they were in resumes
   * afterwards. False when no such flow exists (it was removed from flows/). Opted-out people get nothing.
   */
  async startFlow(personId: string, flowId: string, vars: Record<string, unknown>): Promise<boolean> {
    const flow = this.deps.catalog.get(flowId);
    if (!flow) return false;
    await this.proactive(
      personId,
      async (turn) => {
        if (!turn.person.optedOutAt) await this.deps.runner.start(turn, flow, vars, 'interrupt');
      },
      { starting: flow },
    );
    return true;
  }

  private async startScheduledFlow(flowId: string, roles: readonly string[]): Promise<void> {
    const flow = this.deps.catalog.get(flowId);
    if (!flow) return;
    for await (const personId of this.deps.people.reachableWithRoles(roles)) {
      await this.proactive(personId, (turn) => this.deps.runner.start(turn, flow, {}, 'interrupt'), { starting: flow });
    }
  }

  private async startEventFlows(event: DomainEvent): Promise<void> {
    const flows = this.deps.catalog.flowsForEvent(event.name);
    for (const personId of event.personIds) {
      for (const flow of flows) {
        await this.proactive(personId, (turn) => this.deps.runner.start(turn, flow, { ...event.vars }, 'interrupt'), { starting: flow });
      }
    }
  }

  private async respond(turn: Turn, message: InboundMessage): Promise<void> {
    const { catalog, runner } = this.deps;
    const text = message.content.kind === 'text' ? message.content.text.trim() : undefined;
    const command = text === undefined ? undefined : parseCommand(text);
    if (turn.person.optedOutAt && command?.name !== RETURN_COMMAND) {
      turn.outbox.push(this.say(turn.person, 'common:opted_out'));
      return;
    }
    const tapped = message.content.kind === 'choice' ? catalog.matchChoice(message.content.choiceId) : undefined;
    const match: TriggerMatch | undefined = command ? catalog.matchCommand(command.name) : text ? catalog.matchKeyword(text) : tapped;
    if (match) {
      await runner.start(turn, match.flow, { args: command?.args ?? '', ...(tapped ? { inbound: message.content } : {}) }, match.mode);
      return;
    }
    if (command) {
      const unknown = catalog.matchUnknownCommand();
      if (unknown) return runner.start(turn, unknown.flow, { command: command.name }, unknown.mode);
      turn.outbox.push(this.say(turn.person, 'common:unknown_command', { command: command.name }));
      runner.repeatQuestion(turn);
      return;
    }
    if (await runner.receive(turn, message.content)) return;
    const unasked = catalog.matchInbound(message.content.kind);
    if (unasked) await runner.start(turn, unasked.flow, { inbound: message.content }, unasked.mode);
    else turn.outbox.push(this.say(turn.person, fallbackKeyOf(message.content.kind)));
  }

  /**
   * A turn nobody asked for right now (a timer, an event): it goes to the person's latest app, unless they opted out.
   * `starting` is the flow it starts; a timer continues the flow the person is in.
   */
  private async proactive(personId: string, step: (turn: Turn) => Promise<void>, origin: TurnOrigin = {}): Promise<void> {
    await this.serializer.run(personId, async () => {
      const person = await this.deps.people.find(personId);
      if (!person) return;
      await this.turn(person, undefined, step, origin);
    });
  }

  private async turn(person: PersonView, replyTo: Address | undefined, step: (turn: Turn) => Promise<void>, about: TurnOrigin): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        // The session read with the update serves the first attempt; a retry reads the one that beat it.
        const loaded = (attempt === 1 ? about.session : undefined) ?? (await this.deps.sessions.load(person.id));
        return await this.turnOnce(person, replyTo, step, loaded, about);
      } catch (error) {
        if (!(error instanceof SessionConflictError) || attempt >= MAX_TURN_ATTEMPTS) throw error;
        this.deps.logger.debug({ personId: person.id, attempt }, 'session changed during the turn; running it again');
      }
    }
  }

  private async turnOnce(person: PersonView, replyTo: Address | undefined, step: (turn: Turn) => Promise<void>, loaded: LoadedSession, { starting, inboundSeq, firedTimer }: TurnOrigin): Promise<void> {
    const { timers, logger, commits } = this.deps;
    const turn: Turn = { person, state: loaded.state, outbox: [], timers: [], staleTokens: [], secrets: {}, results: [] };
    const kind = replyTo ? undefined : (starting ?? (turn.state ? this.deps.catalog.get(turn.state.flowId) : undefined))?.message_kind;
    const writes: TurnWrites = { outbox: [], events: [] };
    try {
      await runWithinTurn(writes, () => step(turn));
    } catch (error) {
      // The session stays as it was before this message, and nothing the steps wrote is kept: the person can simply try again.
      logger.error({ err: error, personId: person.id }, 'flow step failed');
      // The timer that set it off is not fired again: that would only fail again.
      const outbox = await this.replies(turn.person, replyTo, [this.say(turn.person, 'common:error')]);
      await commits.commit({ ...(inboundSeq !== undefined ? { inboundSeq } : {}), outbox, droppedTimers: firedTimer ? [firedTimer] : [] });
      return;
    }
    const purpose: MessagePurpose | undefined = kind ? { kind, vars: { ...templateVars(turn.state?.vars ?? {}), person_name: person.displayName } } : undefined;
    const replies = await this.replies(turn.person, replyTo, purpose ? turn.outbox.map((message) => ({ ...message, purpose })) : turn.outbox);
    await commits.commit({
      ...(inboundSeq !== undefined ? { inboundSeq } : {}),
      session: { personId: person.id, loaded, state: turn.state },
      results: turn.results,
      // The turn's replies after what its actions wrote (a relay to the family), as they were said.
      outbox: [...writes.outbox, ...replies],
      timers: turn.timers,
      droppedTimers: firedTimer ? [...turn.staleTokens, firedTimer] : turn.staleTokens,
    });
    await this.deps.events.publishNow(writes.events);
    // The rows are the record; BullMQ fires them on time (a lost job is scheduled again by OverdueTimers).
    await Promise.all(turn.timers.map((timer) => timers.scheduleTimer(person.id, timer.token, timer.dueAt)));
    await Promise.all(turn.staleTokens.map((token) => timers.cancelTimer(token)));
  }

  /** The turn's own messages as outbox items: to where the person wrote from, or their latest app (unless they opted out). */
  private async replies(person: PersonView, replyTo: Address | undefined, messages: readonly OutboundMessage[]): Promise<OutboxItem[]> {
    if (messages.length === 0) return [];
    if (!replyTo && person.optedOutAt) return [];
    const address = replyTo ?? (await this.deps.people.addressOf(person.id));
    if (!address) return [];
    return [{ address, personId: person.id, messages }];
  }

  private say(person: PersonView, key: string, vars: Record<string, unknown> = {}): OutboundMessage {
    return { text: this.deps.translator.t(person.locale, key, { ...vars, person_name: person.displayName }) };
  }
}

/**
 * What set a turn off: the flow it starts (a reminder, an event), the timer that fired, or the update it answers and
 * the session read with it.
 */
interface TurnOrigin {
  readonly starting?: Flow | undefined;
  readonly firedTimer?: string;
  readonly inboundSeq?: bigint;
  readonly session?: LoadedSession | undefined;
}

/** A template fills in short words (a child's name, a time), so only those of the flow's variables travel with its messages. */
function templateVars(vars: Readonly<Record<string, unknown>>): Record<string, string> {
  const short = Object.entries(vars).filter(([, value]) => (typeof value === 'string' && value.length <= 200) || typeof value === 'number');
  return Object.fromEntries(short.map(([name, value]) => [name, String(value)]));
}

/** What to say to a message nothing waits for; a button no question waits for belongs to a closed question. */
function fallbackKeyOf(kind: InboundMessage['content']['kind']): string {
  if (kind === 'choice') return 'common:question_closed';
  return kind === 'unsupported' ? 'common:unsupported' : 'common:unknown';
}
