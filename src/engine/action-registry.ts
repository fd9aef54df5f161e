import type { FeatureContract } from '../core/feature-contract.js';
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

/** The actions of every feature, bound to the services they need. */
export class ActionRegistry {
  private readonly actions = new Map<string, FlowAction<unknown>>();

  constructor(
    readonly contracts: readonly FeatureContract[],
    private readonly services: unknown,
  ) {
    for (const action of contracts.flatMap((contract) => contract.actions)) {
      if (this.actions.has(action.name)) throw new Error(`Action "${action.name}" is registered twice`);
      this.actions.set(action.name, action as FlowAction<unknown>);
    }
  }

  action(name: string): FlowAction<unknown> | undefined {
    return this.actions.get(name);
  }

  async run(name: string, input: ActionInput): Promise<ActionResult & { outcome: string }> {
    const action = this.actions.get(name);
    if (!action) throw new UnknownActionError(`No action "${name}" is registered`);
    this.checkArguments(action, input.args);
    const result = await action.run(this.services, input);
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
