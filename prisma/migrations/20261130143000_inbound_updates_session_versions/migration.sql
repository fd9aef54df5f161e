-- Sessions carry a version: two writers of one person's session can no longer overwrite each other unnoticed.
ALTER TABLE "FlowSession" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 0;

-- The inbound journal: updates are written before they are acknowledged, deduplicated by channel + platform id.
CREATE TABLE "InboundUpdate" (
    "seq" BIGSERIAL NOT NULL,
    "channel" TEXT NOT NULL,
    "platformId" TEXT NOT NULL,
    "senderKey" TEXT NOT NULL,
    "message" JSONB,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "handledAt" TIMESTAMP(3),

    CONSTRAINT "InboundUpdate_pkey" PRIMARY KEY ("seq")
);

CREATE UNIQUE INDEX "InboundUpdate_channel_platformId_key" ON "InboundUpdate"("channel", "platformId");
CREATE INDEX "InboundUpdate_senderKey_seq_idx" ON "InboundUpdate"("senderKey", "seq");
CREATE INDEX "InboundUpdate_receivedAt_idx" ON "InboundUpdate"("receivedAt");
-- What the sweep looks for: updates not yet handled.
CREATE INDEX "InboundUpdate_unhandled_idx" ON "InboundUpdate"("receivedAt") WHERE "handledAt" IS NULL;
