import type { BoundFeature, FeatureContract } from '../core/feature-contract.js';
import type { ActionInput, ActionResult, FlowAction } from '../core/flow-action.js';

export class UnknownActionError extends Error {
  override readonly name = 'UnknownActionError';
}

export class ActionOutcomeError extends Error {
  override readonly name = 'ActionOutcomeError';
}

/** A step gave an action arguments it does not take, or values that do not fit (the linter checks what it can). */
export class ActionArgumentsError extends Error {
  override readonly name = 'ActionArgumentsError';
}

interface BoundAction {
  readonly action: FlowAction<unknown>;
  readonly deps: unknown;
}

/** The actions of every feature, each bound to what its own feature gave it. */
export class ActionRegistry {
  private readonly actions = new Map<string, BoundAction>();
  readonly contracts: readonly FeatureContract[];

  constructor(features: readonly BoundFeature[]) {
    this.contracts = features.map((feature) => feature.contract);
    for (const { contract, actionDeps } of features) {
      for (const action of contract.actions) {
        if (this.actions.has(action.name)) throw new Error(`Action "${action.name}" is registered twice`);
        this.actions.set(action.name, { action: action as FlowAction<unknown>, deps: actionDeps });
      }
    }
  }

  /** Actions that are never run, only read: what the flow linter checks flows against. */
  static forChecking(contracts: readonly FeatureContract[]): ActionRegistry {
    return new ActionRegistry(contracts.map((contract) => ({ contract, actionDeps: undefined })));
  }

  action(name: string): FlowAction<unknown> | undefined {
    return this.actions.get(name)?.action;
  }

  async run(name: string, input: ActionInput): Promise<ActionResult & { outcome: string }> {
    const bound = this.actions.get(name);
    if (!bound) throw new UnknownActionError(`No action "${name}" is registered`);
    const { action, deps } = bound;
    this.checkArguments(action, input.args);
    const result = await action.run(deps, input);
    const outcome = result.outcome ?? 'ok';
    if (!action.outcomes.includes(outcome)) {
      throw new ActionOutcomeError(`Action "${name}" returned undeclared outcome "${outcome}"`);
    }
    return { ...result, outcome };
  }

  private checkArguments(action: FlowAction<unknown>, args: Readonly<Record<string, unknown>>): void {
    if (!action.args) {
      if (Object.keys(args).length > 0) throw new ActionArgumentsError(`Action "${action.name}" takes no arguments, got ${Object.keys(args).join(', ')}`);
      return;
    }
    const checked = action.args.safeParse(args);
    if (!checked.success) {
      const problems = checked.error.issues.map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`);
      throw new ActionArgumentsError(`Action "${action.name}" got arguments that do not fit: ${problems.join('; ')}`);
    }
  }
}
