/**
 * Answers a flow keeps (`save:` on a question) beyond its session: what features, and later the dashboard, read
 * back. The runner produces drafts during a turn; the turn writes them with everything else it writes.
 */

/** One answer as a turn produced it; who gave it and when is added when the turn is written. */
export interface FlowResultDraft {
  readonly flowId: string;
  /** The content hash of the flow file the answer was given in. */
  readonly flowVersion: string;
  readonly name: string;
  readonly value: unknown;
  /** The choice id when the answer was a choice. */
  readonly category: string | null;
  /** The child the answer is about, when the flow knew it (see `save.child_from`). */
  readonly childId: string | null;
  readonly recordedAt: Date;
}

export interface FlowResult extends FlowResultDraft {
  readonly personId: string;
}

/** What features read of kept answers. */
export interface FlowResults {
  /** The person's answers named `name` in flow `flowId`, oldest first. */
  of(personId: string, flowId: string, name: string): Promise<FlowResult[]>;
  /** The person's latest answer named `name` in flow `flowId`, if any. */
  latest(personId: string, flowId: string, name: string): Promise<FlowResult | undefined>;
}
