import type { ActionInput, ActionResult, FlowAction } from '../core/flow-action.js';

export class UnknownActionError extends Error {
  override readonly name = 'UnknownActionError';
}

export class ActionOutcomeError extends Error {
  override readonly name = 'ActionOutcomeError';
}

/** The actions flows may call, bound to the services they need. */
export class ActionRegistry {
  private readonly actions = new Map<string, FlowAction<unknown>>();

  constructor(
    actions: readonly FlowAction<never>[],
    private readonly services: unknown,
  ) {
    for (const action of actions) {
      if (this.actions.has(action.name)) throw new Error(`Action "${action.name}" is registered twice`);
      this.actions.set(action.name, action as FlowAction<unknown>);
    }
  }

  outcomes(name: string): readonly string[] | undefined {
    return this.actions.get(name)?.outcomes;
  }

  async run(name: string, input: ActionInput): Promise<ActionResult & { outcome: string }> {
    const action = this.actions.get(name);
    if (!action) throw new UnknownActionError(`No action "${name}" is registered`);
    const result = await action.run(this.services, input);
    const outcome = result.outcome ?? 'ok';
    if (!action.outcomes.includes(outcome)) {
      throw new ActionOutcomeError(`Action "${name}" returned undeclared outcome "${outcome}"`);
    }
    return { ...result, outcome };
  }
}
