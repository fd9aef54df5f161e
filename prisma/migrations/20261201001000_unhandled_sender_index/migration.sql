-- Every journaled update asks whether an older one of its sender is still unhandled, and a sender's worker reads
-- their unhandled updates in order: this partial index holds only the unhandled rows, so both read that sender's few
-- entries, however many updates were handled before. A row marked handled leaves it, without a new entry.
DROP INDEX "InboundUpdate_senderKey_seq_idx";
CREATE INDEX "InboundUpdate_unhandled_sender_idx" ON "InboundUpdate"("senderKey", "seq") WHERE "handledAt" IS NULL;
