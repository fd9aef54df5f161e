/** Events the activities feature emits; flows listen to them by these names. */
export const ACTIVITY_EVENTS = {
  /** A caregiver who just joined may want weekly play ideas. */
  playWanted: 'activities.play_wanted',
} as const;
