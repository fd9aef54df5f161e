-- Reminders on time under the platform's rate: a reminder may fire up to "toleranceSeconds" before its due time,
-- and fires at "plannedAt", the second the send plan gave it (src/scheduling/send-plan.ts). The sweep claims by
-- "plannedAt", which leaves the index with "dueAt" once a reminder is handed over or cancelled.

-- AlterTable
ALTER TABLE "ScheduledReminder" ADD COLUMN "toleranceSeconds" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "ScheduledReminder" ADD COLUMN "plannedAt" TIMESTAMP(3);

-- Pending reminders fire when they are due, as before.
UPDATE "ScheduledReminder" SET "plannedAt" = "dueAt" WHERE "dueAt" IS NOT NULL;

-- DropIndex
DROP INDEX "ScheduledReminder_dueAt_idx";

-- CreateIndex
CREATE INDEX "ScheduledReminder_plannedAt_idx" ON "ScheduledReminder"("plannedAt");
