/**
 * The contract between flows and features: a flow step names an action, a feature supplies it.
 * Actions decide and persist; flows decide what to say. An action never sends a message itself.
 */

/** The person a step runs for, as actions may read and change it. */
export interface PersonView {
  readonly id: string;
  readonly displayName: string;
  readonly locale: string;
  readonly timeZone: string;
  readonly optedOutAt: Date | null;
}

export interface ActionInput {
  readonly person: PersonView;
  /** The step's `args`, with `{{var}}` templates already filled in. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly vars: Readonly<Record<string, unknown>>;
}

export interface ActionResult {
  /** Chooses the step's route; an action that always succeeds may omit it ("ok"). */
  readonly outcome?: string;
  /** Merged into the session's variables. */
  readonly vars?: Readonly<Record<string, unknown>>;
  /**
   * Like `vars`, but only for this turn's messages: never saved in the session, and a message that shows one is
   * stored with a placeholder in its place (invite codes).
   */
  readonly secrets?: Readonly<Record<string, string>>;
  /** What the action changed on the person, so later steps speak the new language at once. */
  readonly person?: Partial<Pick<PersonView, 'locale' | 'timeZone' | 'optedOutAt' | 'displayName'>>;
}

export interface FlowAction<Services> {
  readonly name: string;
  /** Every outcome `run` can return; the flow linter checks routes against these. */
  readonly outcomes: readonly string[];
  run(services: Services, input: ActionInput): Promise<ActionResult>;
}

/** Lets each feature declare actions with its own services type while the registry stays generic. */
export function defineAction<Services>(action: FlowAction<Services>): FlowAction<Services> {
  return action;
}
