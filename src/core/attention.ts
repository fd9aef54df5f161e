/** Who is told of an item and may see it: always the family's cohort coordinators, and its teachers if asked. */
export type AttentionAudience = 'coordinators' | 'coordinators_and_teachers';

/**
 * Something a person of the programme should look at: a family drifting away, a worrying check-in answer, words of
 * harm. Features raise these; the attention feature keeps them, tells the right people and tracks who acts.
 */
export interface AttentionRequest {
  /** Names the words used for it (`attention:kinds.<kind>`), e.g. `missed_calls`, `safeguarding`. */
  readonly kind: string;
  readonly familyId: string;
  readonly childId?: string | null;
  /** Whom it is about; their name (`details.person_name`) and words (`excerpt`) go with them on /forget. */
  readonly subjectPersonId?: string | null;
  /** Urgent items are told at once and escalated sooner. */
  readonly urgent?: boolean;
  readonly audience?: AttentionAudience;
  /** What the listing shows, as it is now: names and counts filling the kind's words. */
  readonly details: Readonly<Record<string, string | number>>;
  /** Private words (a message excerpt): shown to the cohort's coordinators only, never to teachers or families. */
  readonly excerpt?: string;
  /** At most one open item per key: raising it again while it is open changes nothing. */
  readonly dedupeKey?: string;
}

export interface AttentionRaiser {
  /** Returns the open item's id, and whether this call raised it (false: it was open already). */
  raise(request: AttentionRequest): Promise<{ id: string; raised: boolean }>;
  /** Closes the open item with this key because what it was about is over (a call was logged); kept in the trail. */
  resolve(dedupeKey: string, reason: string): Promise<void>;
}
