/** Events the calls feature emits; flows listen to them by these names. */
export const CALL_EVENTS = {
  /** A parent who just joined may want a call plan. */
  planWanted: 'calls.plan_wanted',
} as const;
