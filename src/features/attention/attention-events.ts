/** Events that start the flow telling a family's coordinators (and teachers, where allowed) of an item. */
export const ATTENTION_EVENTS = {
  raised: 'attention.raised',
  /** Nobody took it in time: they are told again. */
  escalated: 'attention.escalated',
} as const;
