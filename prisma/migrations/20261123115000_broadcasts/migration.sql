-- CreateEnum
CREATE TYPE "BroadcastStatus" AS ENUM ('draft', 'scheduled', 'sending', 'done', 'cancelled');

-- CreateTable
CREATE TABLE "Broadcast" (
    "id" UUID NOT NULL,
    "coordinatorId" UUID NOT NULL,
    "cohortIds" UUID[],
    "roles" "Role"[],
    "locales" TEXT[],
    "texts" JSONB NOT NULL,
    "media" JSONB,
    "mediaChannel" TEXT,
    "status" "BroadcastStatus" NOT NULL DEFAULT 'draft',
    "scheduledAt" TIMESTAMP(3),
    "recipientCount" INTEGER NOT NULL DEFAULT 0,
    "optedOutCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "queuedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Broadcast_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Broadcast_coordinatorId_createdAt_idx" ON "Broadcast"("coordinatorId", "createdAt");

-- CreateIndex
CREATE INDEX "Broadcast_status_scheduledAt_idx" ON "Broadcast"("status", "scheduledAt");
