import { z } from 'zod';

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
  /**
   * The step's `args`, by name: the linter checks a flow gives each required one and no other, and literal values
   * against their schema; the runtime checks the filled-in values. Without it the action takes no arguments.
   */
  readonly args?: z.ZodObject;
  run(services: Services, input: ActionInput): Promise<ActionResult>;
}

/** Lets each feature declare actions with its own services type while the registry stays generic. */
export function defineAction<Services>(action: FlowAction<Services>): FlowAction<Services> {
  return action;
}

/** An argument filled in from a session variable (`"{{child_id}}"`): any value, null when the variable is unset, but given. */
export const fromVariable = z.custom<unknown>((value) => value !== undefined, { message: 'this argument must be given' });

/** The arguments of an action, each filled from a variable unless given its own schema. */
export function actionArgs(required: readonly string[], literal: Record<string, z.ZodType> = {}): z.ZodObject {
  return z.strictObject({ ...Object.fromEntries(required.map((name) => [name, fromVariable])), ...literal });
}
