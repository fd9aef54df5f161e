/** Events the families feature emits; flows listen to them by these names. */
export const FAMILY_EVENTS = {
  /** Someone joined a family: the others hear who and in which role. */
  memberJoined: 'family.member_joined',
  /** Someone in no family yet typed an invite code on its own: joining starts with it (`args`). */
  codeTyped: 'family.code_typed',
  /** A caregiver agreed to pass her words (`args`) on to the child's parents: the share flow sends them. */
  wordsToPassOn: 'family.words_to_pass_on',
} as const;
