/** Events the families feature emits; flows listen to them by these names. */
export const FAMILY_EVENTS = {
  /** Someone joined a family: the others hear who and in which role. */
  memberJoined: 'family.member_joined',
} as const;
