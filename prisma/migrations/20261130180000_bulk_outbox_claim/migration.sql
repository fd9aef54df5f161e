-- The bulk sender claims due broadcast rows oldest-due first (see src/messaging/bulk-sender.ts): this partial index
-- holds only the rows it may still claim, so a claim reads a few index entries however many rows are waiting or done.
CREATE INDEX "OutboxMessage_bulk_queued_idx" ON "OutboxMessage"("notBefore", "seq") WHERE "status" = 'queued' AND "broadcastId" IS NOT NULL;
