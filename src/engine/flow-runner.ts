import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import type { PersonView } from '../core/flow-action.js';
import type { FlowResultDraft } from '../core/flow-results.js';
import type { Choice, InboundContent, MediaSource, OutboundMessage } from '../core/messages.js';
import type { ActionRegistry } from './action-registry.js';
import { parseAnswer } from './answers.js';
import { bindChoice, newQuestionToken, unbindChoice } from './question-token.js';
import type { FlowCatalog } from './flow-catalog.js';
import { holds } from './flow-conditions.js';
import type { AskSpec, Flow, Step } from './flow-definition.js';
import type { SessionState } from './session-store.js';
import { fillAll, fillTemplate } from './templates.js';
import { durationMs, nextLocalTime } from './timing.js';
import type { Translator } from './translator.js';

/** Everything one turn of conversation reads and changes; the engine persists and delivers it afterwards. */
export interface Turn {
  person: PersonView;
  state: SessionState | null;
  readonly outbox: OutboundMessage[];
  readonly timers: { token: string; dueAt: Date }[];
  readonly staleTokens: string[];
  /** Answers kept with `save:`, written with the turn. */
  readonly results: FlowResultDraft[];
  /** Action secrets of this turn (see ActionResult.secrets): filled into messages, never saved. */
  readonly secrets: Record<string, string>;
}

export class FlowLoopError extends Error {
  override readonly name = 'FlowLoopError';
}

/** More steps than this without waiting for the person means a loop in the flow, not a conversation. */
const MAX_STEPS_PER_TURN = 100;
/** After this many answers that don't fit, the question is dropped kindly rather than asked forever. */
const MAX_RETRIES = 3;

/** Executes flow steps for one person: the interpreter of the flow language. */
export class FlowRunner {
  constructor(
    private readonly catalog: FlowCatalog,
    private readonly actions: ActionRegistry,
    private readonly translator: Translator,
    private readonly clock: Clock,
  ) {}

  /** Starts `flow`; `interrupt` keeps the current flow underneath to resume afterwards. */
  async start(turn: Turn, flow: Flow, vars: Record<string, unknown>, mode: 'replace' | 'interrupt'): Promise<void> {
    const previous = turn.state;
    const stack = previous && mode === 'interrupt' ? [...previous.stack, frameOf(previous)] : [];
    if (previous?.waitToken && mode === 'replace') turn.staleTokens.push(previous.waitToken);
    turn.state = {
      personId: turn.person.id,
      flowId: flow.id,
      flowVersion: flow.version,
      stepId: flow.steps[0]!.id,
      vars,
      waitToken: null,
      choiceToken: null,
      retries: 0,
      stack,
    };
    await this.advance(turn);
  }

  /** Offers a message to the step the person is at; false when that step does not take messages. */
  async receive(turn: Turn, content: InboundContent): Promise<boolean> {
    const located = turn.state && this.locate(turn);
    if (!located) return false;
    const { flow, step } = located;
    if ('ask' in step) {
      const answer = this.untokened(turn, content);
      if (!answer) {
        turn.outbox.push(this.say(turn, 'common:question_closed'));
        return true;
      }
      this.answer(turn, flow, step, step.ask, answer);
      await this.advance(turn);
      return true;
    }
    if ('wait' in step && step.wait.on_message) {
      if (step.wait.into) turn.state!.vars[step.wait.into] = content.kind === 'text' ? content.text : content;
      this.moveTo(turn, step.wait.on_message);
      await this.advance(turn);
      return true;
    }
    return false;
  }

  /** Follows a wait's or a question's timeout; a token that no longer matches is a stale timer and does nothing. */
  async timerFired(turn: Turn, token: string): Promise<boolean> {
    if (!turn.state) return false;
    if (turn.state.waitToken !== token) return this.timerFiredUnderneath(turn.state, token);
    const located = this.locate(turn);
    if (!located) return true;
    const { flow, step } = located;
    if ('ask' in step && step.ask.timeout) this.moveTo(turn, step.ask.timeout.goto);
    else if ('wait' in step) this.moveTo(turn, nextOf(flow, step));
    else return false;
    await this.advance(turn);
    return true;
  }

  /**
   * A timer of a flow paused underneath (say a wait, while /help runs) moves that flow on in place,
   * so it resumes past the wait instead of waiting for a timer that already fired.
   */
  private timerFiredUnderneath(state: SessionState, token: string): boolean {
    const index = state.stack.findIndex((frame) => frame.waitToken === token);
    const frame = state.stack[index];
    const flow = frame && this.catalog.get(frame.flowId);
    const step = flow && flow.steps[flow.stepIndex.get(frame.stepId) ?? -1];
    if (!frame || !flow || !step) return false;
    const next = 'ask' in step ? step.ask.timeout?.goto : 'wait' in step ? nextOf(flow, step) : undefined;
    if (next === undefined) state.stack.splice(index, 1);
    else Object.assign(frame, { stepId: next, waitToken: null, choiceToken: null, retries: 0 });
    return true;
  }

  /** The prompt of the question the person is at, to repeat after an interruption or an unknown command. */
  repeatQuestion(turn: Turn): void {
    const located = turn.state && this.locate(turn);
    if (located && 'ask' in located.step) turn.outbox.push(this.prompt(turn, located.step.ask));
  }

  /** A tapped button counts only if it carries the pending question's token; other content passes as it is. */
  private untokened(turn: Turn, content: InboundContent): InboundContent | undefined {
    if (content.kind !== 'choice') return content;
    const { choiceId, token } = unbindChoice(content.choiceId);
    return token !== undefined && token === turn.state!.choiceToken ? { kind: 'choice', choiceId } : undefined;
  }

  private answer(turn: Turn, flow: Flow, step: Step, ask: AskSpec, content: InboundContent): void {
    const state = turn.state!;
    const result = parseAnswer(ask, this.choicesOf(turn, ask), content);
    if (result.ok) {
      state.vars[ask.into] = result.value;
      if (ask.save) turn.results.push(this.resultOf(flow, ask, ask.save, result.value, state.vars));
      this.moveTo(turn, nextOf(flow, step));
      return;
    }
    state.retries += 1;
    if (state.retries >= MAX_RETRIES) {
      turn.outbox.push(this.say(turn, 'common:gave_up'));
      this.finish(turn);
      return;
    }
    // `advance` then re-enters the ask step, which repeats the question.
    const tooLong = result.tooLong && { text: this.translator.t(turn.person.locale, 'common:invalid.too_long', result.tooLong) };
    turn.outbox.push(tooLong ?? this.say(turn, ask.retry ?? `common:invalid.${ask.type}`));
  }

  private resultOf(flow: Flow, ask: AskSpec, name: string, value: unknown, vars: Readonly<Record<string, unknown>>): FlowResultDraft {
    const child = ask.child_from === undefined ? undefined : vars[ask.child_from];
    return {
      flowId: flow.id,
      flowVersion: flow.version,
      name,
      value,
      // A choice question answered with media (accept_media) has no category: the voice note is the answer.
      category: ask.type === 'choice' && typeof value === 'string' ? value : null,
      childId: typeof child === 'string' && child !== '' ? child : null,
      recordedAt: this.clock.now(),
    };
  }

  /** Runs steps until the flow waits for the person or time, or ends. */
  private async advance(turn: Turn): Promise<void> {
    for (let count = 0; turn.state; count++) {
      if (count >= MAX_STEPS_PER_TURN) {
        throw new FlowLoopError(`Flow "${turn.state.flowId}" ran ${MAX_STEPS_PER_TURN} steps without waiting (at "${turn.state.stepId}")`);
      }
      const located = this.locate(turn);
      if (!located) continue;
      if (await this.execute(turn, located.flow, located.step)) return;
    }
  }

  /** Executes one step; true when the turn must now wait. */
  private async execute(turn: Turn, flow: Flow, step: Step): Promise<boolean> {
    const state = turn.state!;
    if ('send' in step) {
      turn.outbox.push(this.render(turn, flow, step.send));
      this.moveTo(turn, nextOf(flow, step));
    } else if ('ask' in step) {
      if (state.waitToken) turn.staleTokens.push(state.waitToken);
      state.waitToken = null;
      // Kept while the question is asked again (a wrong answer, an interruption): its buttons stay valid until answered.
      state.choiceToken ??= newQuestionToken();
      turn.outbox.push(this.prompt(turn, step.ask));
      if (step.ask.timeout) this.startTimer(turn, new Date(this.clock.now().getTime() + durationMs(step.ask.timeout.after)));
      return true;
    } else if ('wait' in step) {
      if (state.waitToken) return true; // a resumed frame keeps its original timer
      const now = this.clock.now();
      const dueAt = step.wait.for ? new Date(now.getTime() + durationMs(step.wait.for)) : nextLocalTime(now, turn.person.timeZone, step.wait.until!);
      this.startTimer(turn, dueAt);
      return true;
    } else if ('branch' in step) {
      const chosen = step.branch.find((option) => !option.if || holds(option.if, state.vars));
      this.moveTo(turn, chosen?.goto ?? nextOf(flow, step));
    } else if ('set' in step) {
      Object.assign(state.vars, fillAll(step.set, state.vars));
      this.moveTo(turn, nextOf(flow, step));
    } else if ('action' in step) {
      const result = await this.actions.run(step.action, { person: turn.person, args: fillAll(step.args ?? {}, state.vars), vars: state.vars });
      Object.assign(state.vars, result.vars);
      Object.assign(turn.secrets, result.secrets);
      if (result.person) turn.person = { ...turn.person, ...result.person };
      this.moveTo(turn, step.routes?.[result.outcome] ?? nextOf(flow, step));
    } else if ('goto' in step) {
      this.moveTo(turn, step.goto);
    } else {
      if (step.end !== true) turn.outbox.push(this.say(turn, step.end.text));
      this.finish(turn);
    }
    return false;
  }

  /** The running flow and step; a flow that changed under the session continues at the same step id if it still exists. */
  private locate(turn: Turn): { flow: Flow; step: Step } | undefined {
    const state = turn.state!;
    const flow = this.catalog.get(state.flowId);
    const index = flow?.stepIndex.get(state.stepId);
    if (!flow || index === undefined) {
      turn.outbox.push(this.say(turn, 'common:flow_changed'));
      this.finish(turn);
      return undefined;
    }
    state.flowVersion = flow.version;
    return { flow, step: flow.steps[index]! };
  }

  private moveTo(turn: Turn, stepId: string | undefined): void {
    const state = turn.state!;
    if (state.waitToken) turn.staleTokens.push(state.waitToken);
    state.waitToken = null;
    state.choiceToken = null;
    state.retries = 0;
    if (stepId === undefined) this.finish(turn);
    else state.stepId = stepId;
  }

  /** Leaves the current flow; an interrupted flow underneath takes over again. */
  private finish(turn: Turn): void {
    const state = turn.state!;
    if (state.waitToken) turn.staleTokens.push(state.waitToken);
    const frame = state.stack.pop();
    turn.state = frame ? { ...frame, personId: state.personId, stack: state.stack } : null;
  }

  private startTimer(turn: Turn, dueAt: Date): void {
    const token = randomUUID();
    turn.state!.waitToken = token;
    turn.timers.push({ token, dueAt });
  }

  private prompt(turn: Turn, ask: AskSpec): OutboundMessage {
    const token = turn.state!.choiceToken!;
    const choices = this.choicesOf(turn, ask).map((choice) => ({ ...choice, id: bindChoice(choice.id, token) }));
    return { ...this.words(turn, ask.text), ...(choices.length > 0 ? { choices } : {}) };
  }

  private choicesOf(turn: Turn, ask: AskSpec): Choice[] {
    if (ask.choices) return ask.choices.map((choice) => ({ id: choice.id, label: this.text(turn, choice.text) }));
    if (ask.choices_from) return asChoices(turn.state!.vars[ask.choices_from]);
    return [];
  }

  private render(turn: Turn, flow: Flow, send: Extract<Step, { send: unknown }>['send']): OutboundMessage {
    return {
      ...(send.text ? this.words(turn, send.text) : {}),
      ...(send.choices ? { choices: send.choices.map((c) => ({ id: c.id, label: this.text(turn, c.text) })) } : {}),
      ...(send.photo ? { photo: this.media(flow, send.photo) } : {}),
      ...(send.voice ? { voice: this.media(flow, send.voice) } : {}),
      ...(send.voice_from ? asVoice(turn.state!.vars[send.voice_from]) : {}),
    };
  }

  private media(flow: Flow, relative: string): MediaSource {
    const file = path.resolve(path.dirname(flow.file), relative);
    return { kind: 'file', path: file, fileName: path.basename(file), mimeType: mimeTypeOf(file) };
  }

  private say(turn: Turn, key: string): OutboundMessage {
    return this.words(turn, key);
  }

  /** A message's text; when it shows a secret, also the text its stored copy keeps (the secret replaced). */
  private words(turn: Turn, key: string): Pick<OutboundMessage, 'text' | 'textAfterSending'> {
    const names = Object.keys(turn.secrets);
    const text = this.text(turn, key, turn.secrets);
    if (names.length === 0) return { text };
    const placeholder = this.translator.t(turn.person.locale, 'common:secret_removed');
    const kept = this.text(turn, key, Object.fromEntries(names.map((name) => [name, placeholder])));
    return kept === text ? { text } : { text, textAfterSending: kept };
  }

  private text(turn: Turn, key: string, secrets: Readonly<Record<string, string>> = {}): string {
    const vars = turn.state?.vars ?? {};
    return this.translator.t(turn.person.locale, key, { ...vars, ...secrets, person_name: turn.person.displayName });
  }
}

function frameOf(state: SessionState): SessionState['stack'][number] {
  const { flowId, flowVersion, stepId, vars, waitToken, choiceToken, retries } = state;
  return { flowId, flowVersion, stepId, vars, waitToken, choiceToken, retries };
}

function nextOf(flow: Flow, step: Step): string | undefined {
  if ('next' in step && step.next) return step.next;
  return flow.steps[flow.stepIndex.get(step.id)! + 1]?.id;
}

function asChoices(value: unknown): Choice[] {
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is Choice => typeof item?.id === 'string' && typeof item?.label === 'string');
}

/** A voice an action put in a variable; anything else (the action found none) sends no voice. */
function asVoice(value: unknown): { voice?: MediaSource } {
  const media = value as Partial<{ path: string; fileName: string; mimeType: string; fileId: string }> | null | undefined;
  if (typeof media?.path === 'string' && typeof media.fileName === 'string' && typeof media.mimeType === 'string') {
    return { voice: { kind: 'file', path: media.path, fileName: media.fileName, mimeType: media.mimeType } };
  }
  if (typeof media?.fileId === 'string') return { voice: { kind: 'platform', fileId: media.fileId } };
  return {};
}

function mimeTypeOf(file: string): string {
  const extension = path.extname(file).toLowerCase();
  return { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.ogg': 'audio/ogg', '.oga': 'audio/ogg' }[extension] ?? 'application/octet-stream';
}
