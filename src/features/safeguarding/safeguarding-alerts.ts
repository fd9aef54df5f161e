/**
 * What safeguarding asks of the needs-attention list: raise an item for a family's coordinators. Everything
 * about owners, statuses, notes, escalation and who may see the excerpt belongs to that list.
 */
export interface AttentionRequest {
  readonly kind: 'safeguarding';
  readonly familyId: string;
  readonly childId?: string;
  readonly subjectPersonId?: string;
  readonly urgent?: boolean;
  readonly details: string;
  readonly excerpt?: string;
  readonly dedupeKey?: string;
}

export interface AttentionRaiser {
  raise(request: AttentionRequest): Promise<unknown>;
}
