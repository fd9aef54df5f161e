-- CreateTable
CREATE TABLE "ScheduledReminder" (
    "id" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "occurrence" TEXT NOT NULL,
    "personId" UUID NOT NULL,
    "flowId" TEXT NOT NULL,
    "vars" JSONB NOT NULL DEFAULT '{}',
    "localTime" TEXT,
    "requestedAt" TIMESTAMP(3) NOT NULL,
    "dueAt" TIMESTAMP(3),
    "leaseUntil" TIMESTAMP(3),
    "firedAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ScheduledReminder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CallPlan" (
    "id" UUID NOT NULL,
    "familyId" UUID NOT NULL,
    "parentId" UUID NOT NULL,
    "childId" UUID NOT NULL,
    "targetPerWeek" INTEGER NOT NULL,
    "windows" JSONB NOT NULL,
    "skippedWeek" TEXT,
    "escalationLevel" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CallPlan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CallLog" (
    "id" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "loggedById" UUID,
    "talkedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CallLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CoordinatorAlert" (
    "id" UUID NOT NULL,
    "familyId" UUID NOT NULL,
    "planId" UUID,
    "kind" TEXT NOT NULL,
    "details" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "CoordinatorAlert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ScheduledReminder_dueAt_idx" ON "ScheduledReminder"("dueAt");

-- CreateIndex
CREATE INDEX "ScheduledReminder_personId_idx" ON "ScheduledReminder"("personId");

-- CreateIndex
CREATE UNIQUE INDEX "ScheduledReminder_subject_occurrence_key" ON "ScheduledReminder"("subject", "occurrence");

-- CreateIndex
CREATE INDEX "CallPlan_familyId_idx" ON "CallPlan"("familyId");

-- CreateIndex
CREATE UNIQUE INDEX "CallPlan_parentId_childId_key" ON "CallPlan"("parentId", "childId");

-- CreateIndex
CREATE INDEX "CallLog_planId_talkedAt_idx" ON "CallLog"("planId", "talkedAt");

-- CreateIndex
CREATE INDEX "CoordinatorAlert_familyId_resolvedAt_idx" ON "CoordinatorAlert"("familyId", "resolvedAt");

-- CreateIndex
CREATE INDEX "CoordinatorAlert_planId_idx" ON "CoordinatorAlert"("planId");

-- AddForeignKey
ALTER TABLE "ScheduledReminder" ADD CONSTRAINT "ScheduledReminder_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CallPlan" ADD CONSTRAINT "CallPlan_familyId_fkey" FOREIGN KEY ("familyId") REFERENCES "Family"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CallPlan" ADD CONSTRAINT "CallPlan_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CallPlan" ADD CONSTRAINT "CallPlan_childId_fkey" FOREIGN KEY ("childId") REFERENCES "Child"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CallLog" ADD CONSTRAINT "CallLog_planId_fkey" FOREIGN KEY ("planId") REFERENCES "CallPlan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CallLog" ADD CONSTRAINT "CallLog_loggedById_fkey" FOREIGN KEY ("loggedById") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CoordinatorAlert" ADD CONSTRAINT "CoordinatorAlert_familyId_fkey" FOREIGN KEY ("familyId") REFERENCES "Family"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CoordinatorAlert" ADD CONSTRAINT "CoordinatorAlert_planId_fkey" FOREIGN KEY ("planId") REFERENCES "CallPlan"("id") ON DELETE SET NULL ON UPDATE CASCADE;
