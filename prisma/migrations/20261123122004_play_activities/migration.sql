-- CreateEnum
CREATE TYPE "PlayStatus" AS ENUM ('pending', 'done');

-- CreateEnum
CREATE TYPE "PlayProgressKind" AS ENUM ('done', 'later', 'photo', 'voice');

-- CreateTable
CREATE TABLE "PlaySchedule" (
    "id" UUID NOT NULL,
    "caregiverId" UUID NOT NULL,
    "childId" UUID NOT NULL,
    "weekday" INTEGER NOT NULL,
    "minuteOfDay" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PlaySchedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlayAssignment" (
    "id" UUID NOT NULL,
    "scheduleId" UUID NOT NULL,
    "week" TEXT NOT NULL,
    "band" TEXT NOT NULL,
    "activityId" TEXT NOT NULL,
    "status" "PlayStatus" NOT NULL DEFAULT 'pending',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "PlayAssignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlayProgress" (
    "id" UUID NOT NULL,
    "assignmentId" UUID NOT NULL,
    "personId" UUID NOT NULL,
    "kind" "PlayProgressKind" NOT NULL,
    "media" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PlayProgress_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActivityRecording" (
    "id" UUID NOT NULL,
    "activityId" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "recordedById" UUID NOT NULL,
    "media" JSONB NOT NULL,
    "channel" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ActivityRecording_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PlaySchedule_childId_idx" ON "PlaySchedule"("childId");

-- CreateIndex
CREATE UNIQUE INDEX "PlaySchedule_caregiverId_childId_key" ON "PlaySchedule"("caregiverId", "childId");

-- CreateIndex
CREATE UNIQUE INDEX "PlayAssignment_scheduleId_week_key" ON "PlayAssignment"("scheduleId", "week");

-- CreateIndex
CREATE INDEX "PlayProgress_assignmentId_idx" ON "PlayProgress"("assignmentId");

-- CreateIndex
CREATE INDEX "PlayProgress_personId_idx" ON "PlayProgress"("personId");

-- CreateIndex
CREATE INDEX "ActivityRecording_recordedById_idx" ON "ActivityRecording"("recordedById");

-- CreateIndex
CREATE UNIQUE INDEX "ActivityRecording_activityId_locale_key" ON "ActivityRecording"("activityId", "locale");

-- AddForeignKey
ALTER TABLE "PlaySchedule" ADD CONSTRAINT "PlaySchedule_caregiverId_fkey" FOREIGN KEY ("caregiverId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlaySchedule" ADD CONSTRAINT "PlaySchedule_childId_fkey" FOREIGN KEY ("childId") REFERENCES "Child"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlayAssignment" ADD CONSTRAINT "PlayAssignment_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "PlaySchedule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlayProgress" ADD CONSTRAINT "PlayProgress_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "PlayAssignment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlayProgress" ADD CONSTRAINT "PlayProgress_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActivityRecording" ADD CONSTRAINT "ActivityRecording_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;
