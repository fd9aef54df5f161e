/** Events the safeguarding feature emits; flows listen to them by these names. */
export const SAFEGUARDING_EVENTS = {
  /** A person wrote words of a milder category: they are asked whether they want someone to contact them. */
  offerContact: 'safeguarding.offer_contact',
} as const;
