import type { Logger } from 'pino';
import type { DomainEvent } from '../core/events.js';
import type { PersonView } from '../core/flow-action.js';
import type { InboundListener } from '../core/inbound-listener.js';
import type { PeopleDirectory } from '../core/people.js';
import type { Address, InboundMessage, MessagePurpose, OutboundMessage } from '../core/messages.js';
import type { OutboxWriter } from '../core/outbox-writer.js';
import type { EngineJob, TimerScheduler } from './engine-queue.js';
import type { Flow } from './flow-definition.js';
import type { FlowCatalog, TriggerMatch } from './flow-catalog.js';
import type { FlowRunner, Turn } from './flow-runner.js';
import { KeyedSerializer } from './keyed-serializer.js';
import type { SessionStore } from './session-store.js';
import type { Translator } from './translator.js';
import type { InboundAdmission } from './inbound-gate.js';
import { parseCommand } from './parse-command.js';

export interface EngineDependencies {
  readonly catalog: FlowCatalog;
  readonly runner: FlowRunner;
  readonly sessions: SessionStore;
  readonly people: PeopleDirectory;
  /** Decides who is heard at all: flood limits, and strangers without an invite code. */
  readonly gate: InboundAdmission;
  readonly timers: TimerScheduler;
  readonly outbox: OutboxWriter;
  readonly translator: Translator;
  readonly logger: Logger;
  /** Hear every admitted message before the flows answer it (safeguarding). */
  readonly listeners?: readonly InboundListener[];
}

/** The command that brings an opted-out person back; every other message gets only a reminder of it. */
const RETURN_COMMAND = 'start';

/**
 * Turns inbound messages, timers and events into flow steps for one person at a time.
 * Each turn: load the person and session → run steps → save the session → schedule timers → write the replies
 * to the outbox. Saving before writing means a crash loses no state; the outbox then sends each reply once.
 */
export class ConversationEngine {
  private readonly serializer = new KeyedSerializer();

  constructor(private readonly deps: EngineDependencies) {}

  private inFlight = 0;

  /** True while an inbound message or a job is being handled. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  async handleInbound(message: InboundMessage): Promise<void> {
    await this.counted(async () => {
      const admitted = await this.deps.gate.admit(message);
      if (!admitted) return;
      const { person, message: heard } = admitted;
      const address: Address = { channel: heard.channel, chatId: heard.chatId };
      await this.serializer.run(person.id, async () => {
        await this.tellListeners(person, heard);
        await this.turn(person, address, (turn) => this.respond(turn, heard));
      });
    });
  }

  /** A listener that fails is logged; the person still gets their answer. */
  private async tellListeners(person: PersonView, message: InboundMessage): Promise<void> {
    for (const listener of this.deps.listeners ?? []) {
      try {
        await listener.heard(person, message);
      } catch (error) {
        this.deps.logger.error({ err: error, personId: person.id, listener: listener.name }, 'an inbound listener failed');
      }
    }
  }

  async handleJob(job: EngineJob): Promise<void> {
    await this.counted(async () => {
      if (job.kind === 'timer') await this.proactive(job.personId, (turn) => this.deps.runner.timerFired(turn, job.token).then(() => undefined));
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
      flow,
    );
    return true;
  }

  private async startScheduledFlow(flowId: string, roles: readonly string[]): Promise<void> {
    const flow = this.deps.catalog.get(flowId);
    if (!flow) return;
    for await (const personId of this.deps.people.reachableWithRoles(roles)) {
      await this.proactive(personId, (turn) => this.deps.runner.start(turn, flow, {}, 'interrupt'), flow);
    }
  }

  private async startEventFlows(event: DomainEvent): Promise<void> {
    const flows = this.deps.catalog.flowsForEvent(event.name);
    for (const personId of event.personIds) {
      for (const flow of flows) {
        await this.proactive(personId, (turn) => this.deps.runner.start(turn, flow, { ...event.vars }, 'interrupt'), flow);
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
  private async proactive(personId: string, step: (turn: Turn) => Promise<void>, starting?: Flow): Promise<void> {
    await this.serializer.run(personId, async () => {
      const person = await this.deps.people.find(personId);
      if (!person) return;
      await this.turn(person, undefined, step, starting);
    });
  }

  private async turn(person: PersonView, replyTo: Address | undefined, step: (turn: Turn) => Promise<void>, starting?: Flow): Promise<void> {
    const { sessions, timers, logger } = this.deps;
    const turn: Turn = { person, state: await sessions.load(person.id), outbox: [], timers: [], staleTokens: [], secrets: {} };
    const kind = replyTo ? undefined : (starting ?? (turn.state ? this.deps.catalog.get(turn.state.flowId) : undefined))?.message_kind;
    try {
      await step(turn);
    } catch (error) {
      // The session stays as it was before this message: the person can simply try again.
      logger.error({ err: error, personId: person.id }, 'flow step failed');
      await this.deliver(turn.person, replyTo, [this.say(turn.person, 'common:error')]);
      return;
    }
    if (turn.state) await sessions.save(turn.state);
    else await sessions.delete(person.id);
    await Promise.all(turn.timers.map((timer) => timers.scheduleTimer(person.id, timer.token, timer.dueAt)));
    await Promise.all(turn.staleTokens.map((token) => timers.cancelTimer(token)));
    const purpose: MessagePurpose | undefined = kind ? { kind, vars: { ...templateVars(turn.state?.vars ?? {}), person_name: person.displayName } } : undefined;
    await this.deliver(turn.person, replyTo, purpose ? turn.outbox.map((message) => ({ ...message, purpose })) : turn.outbox);
  }

  private async deliver(person: PersonView, replyTo: Address | undefined, messages: readonly OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    if (!replyTo && person.optedOutAt) return;
    const address = replyTo ?? (await this.deps.people.addressOf(person.id));
    if (!address) return;
    await this.deps.outbox.enqueue({ address, personId: person.id, messages });
  }

  private say(person: PersonView, key: string, vars: Record<string, unknown> = {}): OutboundMessage {
    return { text: this.deps.translator.t(person.locale, key, { ...vars, person_name: person.displayName }) };
  }
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
