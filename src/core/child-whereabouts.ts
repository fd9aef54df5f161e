/**
 * Where a child lives: at home with the caregivers (the usual case), or for a time with one of their parents in the
 * parent's city. Features that reach "whoever is with the child" (play reminders) or that worry about a parent and
 * child drifting apart (call nudges) ask here; the living feature answers and tells them when it changes.
 */
export interface ChildWhereabouts {
  /** For each of these children who lives with a parent now, that parent's id; children at home are absent. */
  livingWith(childIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** The times this parent and child lived together, oldest first; `until` is null while they still do. */
  staysTogether(parentId: string, childId: string): Promise<readonly StayPeriod[]>;
}

export interface StayPeriod {
  readonly since: Date;
  readonly until: Date | null;
}

/** A child went to live with a parent, or home again: `from` and `to` are parent ids, null for home. */
export interface ChildMove {
  readonly childId: string;
  readonly from: string | null;
  readonly to: string | null;
}

/** What changes for a feature when a child moves (nudges paused or resumed, reminders sent to someone else). */
export interface ChildMoveListener {
  childMoved(move: ChildMove): Promise<void>;
}

/** Where a feature signs up, when it is made, to hear of every move once it is saved. */
export interface ChildMoveListeners {
  listen(listener: ChildMoveListener): void;
}
