import { readFileSync } from 'node:fs';
import { ContentError } from '../../src/core/content-problems.js';
import type { ActionInput, ActionResult, FlowAction, PersonView } from '../../src/core/flow-action.js';
import type { FlowResultDraft } from '../../src/core/flow-results.js';
import type { InboundContent, OutboundMessage } from '../../src/core/messages.js';
import { ActionRegistry } from '../../src/engine/action-registry.js';
import { FlowCatalog } from '../../src/engine/flow-catalog.js';
import { flowContext } from '../../src/engine/flow-context.js';
import { parseFlow } from '../../src/engine/flow-loader.js';
import { FlowRunner, type Turn } from '../../src/engine/flow-runner.js';
import { bindChoice } from '../../src/engine/question-token.js';
import type { SessionState } from '../../src/engine/session-store.js';
import { Translator } from '../../src/engine/translator.js';
import { features } from '../../src/features/feature-list.js';
import { defaultLocalesDir } from '../../src/paths.js';
import { TestClock } from './test-clock.js';

/** What a test's fake action does when a step names it; shipped actions keep their declared outcomes and arguments. */
export type FakeAction = (input: ActionInput) => ActionResult | Promise<ActionResult>;

export interface FlowHarnessOptions {
  /** Fakes by action name; a step naming an action without a fake fails the test. */
  readonly actions?: Readonly<Record<string, FakeAction>>;
  readonly person?: Partial<PersonView>;
  readonly clock?: TestClock;
}

/** What one turn said and kept. */
export interface TurnOutput {
  readonly messages: readonly OutboundMessage[];
  readonly texts: readonly string[];
  readonly results: readonly FlowResultDraft[];
}

const translator = Translator.load(defaultLocalesDir);

/**
 * Runs one flow file turn by turn with the real runner and translator, in memory: fake actions, a fixed clock, the
 * session kept between turns the way the database keeps it (as JSON). No PostgreSQL, no Redis.
 */
export class FlowHarness {
  private state: SessionState | null = null;
  /** Every answer kept so far, across turns. */
  readonly results: FlowResultDraft[] = [];
  private readonly runner: FlowRunner;

  private constructor(
    private readonly catalog: FlowCatalog,
    actions: ActionRegistry,
    private readonly person: PersonView,
    readonly clock: TestClock,
  ) {
    this.runner = new FlowRunner(catalog, actions, translator, clock);
  }

  /** Loads and checks `file` (against the shipped locales and actions); bad content throws the linter's ContentError. */
  static load(file: string, options: FlowHarnessOptions = {}): FlowHarness {
    const actions = fakeRegistry(options.actions ?? {});
    const { flow, problems } = parseFlow(file, readFileSync(file, 'utf8'), flowContext(translator, actions));
    if (!flow) throw new ContentError(problems);
    const person: PersonView = { id: 'person-1', displayName: '王奶奶', locale: 'zh-CN', timeZone: 'Asia/Shanghai', optedOutAt: null, ...options.person };
    return new FlowHarness(new FlowCatalog([flow], translator), actions, person, options.clock ?? new TestClock());
  }

  get vars(): Readonly<Record<string, unknown>> {
    return this.state?.vars ?? {};
  }

  get stepId(): string | undefined {
    return this.state?.stepId;
  }

  start(vars: Record<string, unknown> = {}): Promise<TurnOutput> {
    const flow = this.catalog.flows[0]!;
    return this.turn((turn) => this.runner.start(turn, flow, vars, 'replace'));
  }

  say(text: string): Promise<TurnOutput> {
    return this.send({ kind: 'text', text });
  }

  /** Taps a button of the question the person is at. */
  tap(choiceId: string): Promise<TurnOutput> {
    return this.send({ kind: 'choice', choiceId: bindChoice(choiceId, this.state?.choiceToken ?? 'no-question') });
  }

  send(content: InboundContent): Promise<TurnOutput> {
    return this.turn(async (turn) => {
      if (!(await this.runner.receive(turn, content))) throw new Error(`The flow at step "${this.stepId}" takes no message`);
    });
  }

  /** Fires the timer the flow is waiting on (a wait or a question's timeout). */
  fireTimer(): Promise<TurnOutput> {
    const token = this.state?.waitToken;
    if (!token) throw new Error(`The flow at step "${this.stepId}" waits on no timer`);
    return this.turn((turn) => this.runner.timerFired(turn, token).then(() => undefined));
  }

  private async turn(step: (turn: Turn) => Promise<void>): Promise<TurnOutput> {
    const turn: Turn = { person: this.person, state: this.state, outbox: [], timers: [], staleTokens: [], secrets: {}, results: [] };
    await step(turn);
    // Saved and loaded again as the session store does, so a variable that would not survive JSON fails here too.
    this.state = turn.state && (JSON.parse(JSON.stringify(turn.state)) as SessionState);
    this.results.push(...turn.results);
    return { messages: turn.outbox, texts: turn.outbox.flatMap((message) => (message.text ? [message.text] : [])), results: turn.results };
  }
}

/** The shipped actions (their outcomes and arguments, which the loader checks flows against) running the test's fakes. */
function fakeRegistry(fakes: Readonly<Record<string, FakeAction>>): ActionRegistry {
  const unknown = Object.keys(fakes).filter((name) => !features.some((contract) => contract.actions.some((action) => action.name === name)));
  if (unknown.length > 0) throw new Error(`No shipped action named ${unknown.join(', ')} to fake`);
  return new ActionRegistry(
    features.map((contract) => ({
      contract: { ...contract, actions: contract.actions.map((action) => withFake(action, fakes[action.name])) },
      actionDeps: undefined,
    })),
  );
}

function withFake(action: FlowAction<never>, fake: FakeAction | undefined): FlowAction<never> {
  return {
    ...action,
    run: async (_services, input) => {
      if (!fake) throw new Error(`Action "${action.name}" ran, but this test gave it no fake`);
      return fake(input);
    },
  };
}
