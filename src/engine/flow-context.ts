import type { ActionRegistry } from './action-registry.js';
import type { FlowContext } from './flow-loader.js';
import type { Translator } from './translator.js';

/** What flow files are checked against: the shipped locales, the registered actions and the features' contracts. */
export function flowContext(translator: Translator, actions: ActionRegistry): FlowContext {
  return {
    hasText: (key) => translator.missingIn(key),
    action: (name) => actions.action(name),
    contracts: actions.contracts,
  };
}
