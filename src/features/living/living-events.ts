/** Events the living feature emits; flows listen to them by these names. */
export const LIVING_EVENTS = {
  /** A child moved to a parent or home again: the rest of the family hears it (`where`: with_parent, with_you, home). */
  childMoved: 'living.child_moved',
} as const;
