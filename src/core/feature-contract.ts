import type { FlowAction } from './flow-action.js';

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

export function defineFeature(contract: FeatureContract): FeatureContract {
  return contract;
}
