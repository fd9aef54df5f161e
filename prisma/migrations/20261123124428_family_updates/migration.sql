-- CreateEnum
CREATE TYPE "MediaKind" AS ENUM ('photo', 'video', 'voice');

-- CreateTable
CREATE TABLE "FamilyUpdate" (
    "id" UUID NOT NULL,
    "senderId" UUID NOT NULL,
    "familyId" UUID,
    "childId" UUID,
    "text" TEXT,
    "activityKey" TEXT,
    "sharedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FamilyUpdate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UpdateMedia" (
    "id" UUID NOT NULL,
    "updateId" UUID NOT NULL,
    "replyId" UUID,
    "kind" "MediaKind" NOT NULL,
    "storageKey" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UpdateMedia_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UpdateDelivery" (
    "id" UUID NOT NULL,
    "updateId" UUID NOT NULL,
    "recipientId" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UpdateDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UpdateReply" (
    "id" UUID NOT NULL,
    "updateId" UUID NOT NULL,
    "authorId" UUID NOT NULL,
    "text" TEXT,
    "emoji" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UpdateReply_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FamilyUpdate_senderId_idx" ON "FamilyUpdate"("senderId");

-- CreateIndex
CREATE INDEX "FamilyUpdate_familyId_idx" ON "FamilyUpdate"("familyId");

-- CreateIndex
CREATE INDEX "FamilyUpdate_childId_idx" ON "FamilyUpdate"("childId");

-- CreateIndex
CREATE INDEX "FamilyUpdate_createdAt_idx" ON "FamilyUpdate"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "UpdateMedia_storageKey_key" ON "UpdateMedia"("storageKey");

-- CreateIndex
CREATE INDEX "UpdateMedia_updateId_idx" ON "UpdateMedia"("updateId");

-- CreateIndex
CREATE INDEX "UpdateMedia_replyId_idx" ON "UpdateMedia"("replyId");

-- CreateIndex
CREATE UNIQUE INDEX "UpdateDelivery_dedupeKey_key" ON "UpdateDelivery"("dedupeKey");

-- CreateIndex
CREATE INDEX "UpdateDelivery_recipientId_idx" ON "UpdateDelivery"("recipientId");

-- CreateIndex
CREATE UNIQUE INDEX "UpdateDelivery_updateId_recipientId_key" ON "UpdateDelivery"("updateId", "recipientId");

-- CreateIndex
CREATE INDEX "UpdateReply_updateId_idx" ON "UpdateReply"("updateId");

-- CreateIndex
CREATE INDEX "UpdateReply_authorId_idx" ON "UpdateReply"("authorId");

-- AddForeignKey
ALTER TABLE "FamilyUpdate" ADD CONSTRAINT "FamilyUpdate_senderId_fkey" FOREIGN KEY ("senderId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FamilyUpdate" ADD CONSTRAINT "FamilyUpdate_familyId_fkey" FOREIGN KEY ("familyId") REFERENCES "Family"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FamilyUpdate" ADD CONSTRAINT "FamilyUpdate_childId_fkey" FOREIGN KEY ("childId") REFERENCES "Child"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UpdateMedia" ADD CONSTRAINT "UpdateMedia_updateId_fkey" FOREIGN KEY ("updateId") REFERENCES "FamilyUpdate"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UpdateMedia" ADD CONSTRAINT "UpdateMedia_replyId_fkey" FOREIGN KEY ("replyId") REFERENCES "UpdateReply"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UpdateDelivery" ADD CONSTRAINT "UpdateDelivery_updateId_fkey" FOREIGN KEY ("updateId") REFERENCES "FamilyUpdate"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UpdateDelivery" ADD CONSTRAINT "UpdateDelivery_recipientId_fkey" FOREIGN KEY ("recipientId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UpdateReply" ADD CONSTRAINT "UpdateReply_updateId_fkey" FOREIGN KEY ("updateId") REFERENCES "FamilyUpdate"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UpdateReply" ADD CONSTRAINT "UpdateReply_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;
