/** Events the check-ins feature emits; flows listen to them by these names. */
export const CHECKIN_EVENTS = {
  /** A caregiver finished a check-in: the child's parents get a warm summary. */
  finished: 'checkins.finished',
} as const;

/** The flow the scheduler starts for a caregiver when a child reaches a checklist age; authors may reword it, not rename it. */
export const CHECKIN_FLOW = 'checkin';

/** The flow the scheduler starts each month for a wellbeing check-in (vars instrument_id, child_id, month). */
export const WELLBEING_FLOW = 'wellbeing';
