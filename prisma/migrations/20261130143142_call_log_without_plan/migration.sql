-- A call can be logged with /talked before the parents made a call plan: the log names its family, parent and
-- child itself, and its plan (if any) is optional. Existing logs take them from their plan.

-- AlterTable
ALTER TABLE "CallLog" ADD COLUMN "familyId" UUID,
ADD COLUMN "parentId" UUID,
ADD COLUMN "childId" UUID;

UPDATE "CallLog" SET "familyId" = p."familyId", "parentId" = p."parentId", "childId" = p."childId"
FROM "CallPlan" p WHERE p."id" = "CallLog"."planId";

ALTER TABLE "CallLog" ALTER COLUMN "familyId" SET NOT NULL,
ALTER COLUMN "parentId" SET NOT NULL,
ALTER COLUMN "childId" SET NOT NULL,
ALTER COLUMN "planId" DROP NOT NULL;

-- DropForeignKey
ALTER TABLE "CallLog" DROP CONSTRAINT "CallLog_planId_fkey";

-- AddForeignKey
ALTER TABLE "CallLog" ADD CONSTRAINT "CallLog_planId_fkey" FOREIGN KEY ("planId") REFERENCES "CallPlan"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CallLog" ADD CONSTRAINT "CallLog_familyId_fkey" FOREIGN KEY ("familyId") REFERENCES "Family"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CallLog" ADD CONSTRAINT "CallLog_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CallLog" ADD CONSTRAINT "CallLog_childId_fkey" FOREIGN KEY ("childId") REFERENCES "Child"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateIndex
CREATE INDEX "CallLog_parentId_childId_talkedAt_idx" ON "CallLog"("parentId", "childId", "talkedAt");

-- CreateIndex
CREATE INDEX "CallLog_familyId_talkedAt_idx" ON "CallLog"("familyId", "talkedAt");
