-- Recordings belong to one cohort: made or replaced only by its coordinators or the teachers they approve,
-- and played only to that cohort's caregivers.

-- CreateTable
CREATE TABLE "RecordingApproval" (
    "cohortId" UUID NOT NULL,
    "teacherId" UUID NOT NULL,
    "approvedById" UUID,
    "approvedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RecordingApproval_pkey" PRIMARY KEY ("cohortId","teacherId")
);

-- AlterTable
ALTER TABLE "ActivityRecording" ADD COLUMN     "cohortId" UUID;

-- A recording made before cohorts counted belongs to the one cohort its maker coordinates or teaches in;
-- one whose cohort cannot be told is removed rather than played to every cohort.
UPDATE "ActivityRecording" AS r SET "cohortId" = (
    SELECT c."cohortId" FROM "CohortCoordinator" AS c WHERE c."personId" = r."recordedById"
    UNION
    SELECT f."cohortId" FROM "FamilyMember" AS m JOIN "Family" AS f ON f."id" = m."familyId"
    WHERE m."personId" = r."recordedById" AND m."role" = 'teacher' AND f."cohortId" IS NOT NULL
    LIMIT 1)
WHERE (
    SELECT count(DISTINCT x."cohortId") FROM (
        SELECT c."cohortId" FROM "CohortCoordinator" AS c WHERE c."personId" = r."recordedById"
        UNION
        SELECT f."cohortId" FROM "FamilyMember" AS m JOIN "Family" AS f ON f."id" = m."familyId"
        WHERE m."personId" = r."recordedById" AND m."role" = 'teacher' AND f."cohortId" IS NOT NULL) AS x) = 1;
DELETE FROM "ActivityRecording" WHERE "cohortId" IS NULL;
ALTER TABLE "ActivityRecording" ALTER COLUMN "cohortId" SET NOT NULL;

-- Teachers who recorded for their cohort before keep that right.
INSERT INTO "RecordingApproval" ("cohortId", "teacherId", "approvedAt")
SELECT DISTINCT r."cohortId", r."recordedById", CURRENT_TIMESTAMP FROM "ActivityRecording" AS r
WHERE NOT EXISTS (SELECT 1 FROM "CohortCoordinator" AS c WHERE c."personId" = r."recordedById" AND c."cohortId" = r."cohortId");

-- DropIndex
DROP INDEX "ActivityRecording_activityId_locale_key";

-- CreateIndex
CREATE UNIQUE INDEX "ActivityRecording_cohortId_activityId_locale_key" ON "ActivityRecording"("cohortId", "activityId", "locale");

-- CreateIndex
CREATE INDEX "RecordingApproval_teacherId_idx" ON "RecordingApproval"("teacherId");

-- AddForeignKey
ALTER TABLE "ActivityRecording" ADD CONSTRAINT "ActivityRecording_cohortId_fkey" FOREIGN KEY ("cohortId") REFERENCES "Cohort"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecordingApproval" ADD CONSTRAINT "RecordingApproval_cohortId_fkey" FOREIGN KEY ("cohortId") REFERENCES "Cohort"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecordingApproval" ADD CONSTRAINT "RecordingApproval_teacherId_fkey" FOREIGN KEY ("teacherId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecordingApproval" ADD CONSTRAINT "RecordingApproval_approvedById_fkey" FOREIGN KEY ("approvedById") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The CLI's system person ("Kinbridge CLI", a fixed id) coordinates cohorts but is nobody's family member: it was
-- listed in /family and counted in broadcast reach.
DELETE FROM "FamilyMember" WHERE "personId" = '00000000-0000-4000-8000-000000000c11';
