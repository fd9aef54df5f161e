/** What a platform answers to a send when it reports on delivery later: the ids its status callbacks will name. */
export interface DeliveryReceipt {
  readonly platformMessageIds: readonly string[];
}

/** Ordered: a later status never gives way to an earlier one arriving late (webhooks come in any order). */
export const DELIVERY_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The platform's word on one message it was given. */
export interface DeliveryStatusUpdate {
  readonly channel: string;
  readonly platformMessageId: string;
  readonly status: DeliveryStatus;
  /** When the platform says it happened. */
  readonly at: Date;
  /** For `failed`: the platform's reason, and whether it means the reply window had closed. */
  readonly error?: { readonly description: string; readonly windowClosed: boolean };
}
