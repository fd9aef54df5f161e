-- Channels with a reply window (WhatsApp's 24 hours): a message that may not go yet is held, not dropped.
ALTER TYPE "OutboxStatus" ADD VALUE 'held';

-- AlterTable
ALTER TABLE "ChannelIdentity" ADD COLUMN     "lastInboundAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "deliveryStatus" TEXT,
ADD COLUMN     "deliveryStatusAt" TIMESTAMP(3),
ADD COLUMN     "platformMessageIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "templateRequired" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "OutboxMessage_platformMessageIds_idx" ON "OutboxMessage" USING GIN ("platformMessageIds");
