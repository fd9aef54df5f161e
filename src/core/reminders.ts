/**
 * Timed messages: "start flow F for person P at instant T with vars V". Features and content authors schedule
 * flows this way (call nudges, weekly summaries, activity reminders, broadcasts); one scheduler carries them all.
 */

/** When a reminder is due: an instant, or a wall-clock time in the recipient's own zone that follows them when they move. */
export type ReminderTime = { readonly instant: Date } | { readonly localTime: string };

export interface ReminderRequest {
  /** What the reminder is about, e.g. `call-plan:<id>`; cancelling a subject cancels all its pending reminders. */
  readonly subject: string;
  /** Which occurrence, e.g. `nudge:2026-11-28T10:00`. (subject, occurrence) is scheduled at most once. */
  readonly occurrence: string;
  readonly personId: string;
  readonly flowId: string;
  readonly vars?: Readonly<Record<string, string | number | boolean | null>>;
  readonly at: ReminderTime;
  /**
   * How long before `at` it may fire instead (default 0): when many reminders are due at once, more than the
   * platform sends a second (Telegram: 30 per bot), the scheduler spreads them over this time before, so that they
   * arrive by `at` rather than minutes after it. Never into the recipient's quiet hours.
   */
  readonly toleranceSeconds?: number;
}

export interface ReminderScheduler {
  /**
   * Schedules each request unless its (subject, occurrence) is already pending or fired (a cancelled one is scheduled
   * again as asked); a time inside the recipient's quiet hours is moved to their end. Returns how many were new.
   */
  schedule(requests: readonly ReminderRequest[]): Promise<number>;
  /** Cancels the subject's pending reminders (those whose occurrence starts with `occurrencePrefix`, when given). */
  cancel(subject: string, occurrencePrefix?: string): Promise<number>;
  /** Re-times a person's pending reminders after they changed time zone or quiet hours. */
  retimeFor(personId: string): Promise<void>;
}
