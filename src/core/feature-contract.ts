import type { FlowAction } from './flow-action.js';
import type { InboundListener } from './inbound-listener.js';

/**
 * What a feature promises the flows, in one place, so the flow linter can hold both sides to it: the flows it
 * starts by id, the events it emits (a flow may only listen to an event somebody emits), the choice ids its actions
 * read from a flow's question, and the actions flows may call.
 */
export interface FeatureContract {
  readonly feature: string;
  /** The file that declares this contract, for the linter's messages. */
  readonly declaredIn: string;
  readonly startsFlows: readonly string[];
  readonly emits: readonly string[];
  readonly readsChoices: readonly ChoiceReading[];
  readonly actions: readonly FlowAction<never>[];
}

/** "The action reading this answer understands these choice ids of that question." */
export interface ChoiceReading {
  readonly flow: string;
  readonly step: string;
  readonly choices: readonly string[];
}

/** Work a feature repeats on its own (a retention sweep, keeping next week's reminders scheduled): never a flow step's. */
export interface RecurringJob {
  /** Unique across the deployment; also the job scheduler's id. */
  readonly id: string;
  readonly everyMs: number;
  run(): Promise<void>;
}

/** What a feature gives the app once created: services for later features (and the dashboard), its jobs and listeners. */
export interface CreatedFeature<Provides> {
  readonly provides: Provides;
  readonly jobs?: readonly RecurringJob[];
  /** Hear every inbound message of a known person before the flows (safeguarding's screen). */
  readonly listeners?: readonly InboundListener[];
}

/**
 * A feature as a module: its contract, and `create` taking only the ports it names in `Deps`. Its actions run with
 * `Deps & Provides`: what it was given and what it made.
 */
export interface FeatureModule<Deps, Provides> extends FeatureContract {
  readonly actions: readonly FlowAction<Deps & Provides>[];
  create(deps: Deps): CreatedFeature<Provides>;
}

export function defineFeature<Deps, Provides>(feature: FeatureModule<Deps, Provides>): FeatureModule<Deps, Provides> {
  return feature;
}

/** A feature's actions with what they run with (what the app gave the feature and what it made). */
export interface BoundFeature {
  readonly contract: FeatureContract;
  readonly actionDeps: unknown;
}
