import type { ActionRegistry } from './action-registry.js';
import type { FlowContext } from './flow-loader.js';
import type { Translator } from './translator.js';

/** What flow files are checked against: the shipped locales and the registered actions. */
export function flowContext(translator: Translator, actions: ActionRegistry): FlowContext {
  return {
    hasText: (key) => translator.missingIn(key),
    actionOutcomes: (name) => actions.outcomes(name),
  };
}
