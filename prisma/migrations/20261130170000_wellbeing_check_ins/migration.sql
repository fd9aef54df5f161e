-- Monthly wellbeing check-ins share the check-in table: a round ("" for a milestone age, month and respondent for a
-- monthly one) joins the unique key. Voice-note answers are kept for the teacher; "don't ask me this" is remembered.

-- AlterTable
ALTER TABLE "CheckIn" ADD COLUMN "round" TEXT NOT NULL DEFAULT '';

-- DropIndex
DROP INDEX "CheckIn_childId_instrumentId_ageMonths_key";

-- CreateIndex
CREATE UNIQUE INDEX "CheckIn_childId_instrumentId_ageMonths_round_key" ON "CheckIn"("childId", "instrumentId", "ageMonths", "round");

-- CreateTable
CREATE TABLE "CheckInVoiceAnswer" (
    "id" UUID NOT NULL,
    "checkInId" UUID NOT NULL,
    "itemId" TEXT NOT NULL,
    "personId" UUID NOT NULL,
    "storageKey" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CheckInVoiceAnswer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CheckInVoiceAnswer_storageKey_key" ON "CheckInVoiceAnswer"("storageKey");

-- CreateIndex
CREATE UNIQUE INDEX "CheckInVoiceAnswer_checkInId_itemId_key" ON "CheckInVoiceAnswer"("checkInId", "itemId");

-- CreateIndex
CREATE INDEX "CheckInVoiceAnswer_personId_idx" ON "CheckInVoiceAnswer"("personId");

-- CreateIndex
CREATE INDEX "CheckInVoiceAnswer_createdAt_idx" ON "CheckInVoiceAnswer"("createdAt");

-- AddForeignKey
ALTER TABLE "CheckInVoiceAnswer" ADD CONSTRAINT "CheckInVoiceAnswer_checkInId_fkey" FOREIGN KEY ("checkInId") REFERENCES "CheckIn"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CheckInVoiceAnswer" ADD CONSTRAINT "CheckInVoiceAnswer_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "CheckInOptOut" (
    "personId" UUID NOT NULL,
    "instrumentId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CheckInOptOut_pkey" PRIMARY KEY ("personId","instrumentId")
);

-- AddForeignKey
ALTER TABLE "CheckInOptOut" ADD CONSTRAINT "CheckInOptOut_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;
