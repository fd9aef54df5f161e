-- Milestone check-ins: one per child, instrument and checklist age, answered item by item, scored when finished.

-- CreateTable
CREATE TABLE "CheckIn" (
    "id" UUID NOT NULL,
    "childId" UUID NOT NULL,
    "respondentId" UUID NOT NULL,
    "instrumentId" TEXT NOT NULL,
    "instrumentVersion" TEXT NOT NULL,
    "ageMonths" INTEGER NOT NULL,
    "answers" JSONB NOT NULL DEFAULT '{}',
    "score" INTEGER,
    "concern" BOOLEAN,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "CheckIn_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CheckIn_childId_instrumentId_ageMonths_key" ON "CheckIn"("childId", "instrumentId", "ageMonths");

-- CreateIndex
CREATE INDEX "CheckIn_respondentId_idx" ON "CheckIn"("respondentId");

-- AddForeignKey
ALTER TABLE "CheckIn" ADD CONSTRAINT "CheckIn_childId_fkey" FOREIGN KEY ("childId") REFERENCES "Child"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CheckIn" ADD CONSTRAINT "CheckIn_respondentId_fkey" FOREIGN KEY ("respondentId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;
