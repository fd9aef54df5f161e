-- Needs attention: one list of what needs a person (families out of touch, worrying answers, words of harm), each
-- with a status, an owner, private notes and an audit trail. It takes over the missed-call CoordinatorAlert.

-- CreateEnum
CREATE TYPE "AttentionStatus" AS ENUM ('new', 'acknowledged', 'in_progress', 'closed');

-- CreateTable
CREATE TABLE "AttentionItem" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "familyId" UUID NOT NULL,
    "childId" UUID,
    "subjectPersonId" UUID,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "teachersSee" BOOLEAN NOT NULL DEFAULT false,
    "details" JSONB NOT NULL,
    "excerpt" TEXT,
    "status" "AttentionStatus" NOT NULL DEFAULT 'new',
    "ownerId" UUID,
    "dedupeKey" TEXT,
    "escalations" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "AttentionItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AttentionNote" (
    "id" UUID NOT NULL,
    "itemId" UUID NOT NULL,
    "authorId" UUID,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AttentionNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AttentionEvent" (
    "id" UUID NOT NULL,
    "itemId" UUID NOT NULL,
    "actorId" UUID,
    "action" TEXT NOT NULL,
    "detail" JSONB,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AttentionEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AttentionItem_familyId_status_idx" ON "AttentionItem"("familyId", "status");
CREATE INDEX "AttentionItem_status_createdAt_idx" ON "AttentionItem"("status", "createdAt");
CREATE INDEX "AttentionItem_subjectPersonId_idx" ON "AttentionItem"("subjectPersonId");
CREATE INDEX "AttentionNote_itemId_createdAt_idx" ON "AttentionNote"("itemId", "createdAt");
CREATE INDEX "AttentionEvent_itemId_at_idx" ON "AttentionEvent"("itemId", "at");
-- One open item per key, so raising the same concern twice (two sweeps, two processes) keeps one.
CREATE UNIQUE INDEX "AttentionItem_open_dedupeKey_key" ON "AttentionItem"("dedupeKey") WHERE "status" <> 'closed';

-- AddForeignKey
ALTER TABLE "AttentionItem" ADD CONSTRAINT "AttentionItem_familyId_fkey" FOREIGN KEY ("familyId") REFERENCES "Family"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "AttentionItem" ADD CONSTRAINT "AttentionItem_childId_fkey" FOREIGN KEY ("childId") REFERENCES "Child"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "AttentionItem" ADD CONSTRAINT "AttentionItem_subjectPersonId_fkey" FOREIGN KEY ("subjectPersonId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "AttentionItem" ADD CONSTRAINT "AttentionItem_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "AttentionNote" ADD CONSTRAINT "AttentionNote_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "AttentionItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "AttentionNote" ADD CONSTRAINT "AttentionNote_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "AttentionEvent" ADD CONSTRAINT "AttentionEvent_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "AttentionItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "AttentionEvent" ADD CONSTRAINT "AttentionEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The missed-call alerts move over: open ones stay open, with the plan as their key so a logged call closes them.
INSERT INTO "AttentionItem" ("id", "kind", "familyId", "childId", "subjectPersonId", "details", "status", "dedupeKey", "createdAt", "updatedAt", "closedAt")
SELECT a."id", 'missed_calls', a."familyId", p."childId", p."parentId",
       jsonb_build_object('person_name', a."details"->>'parentName', 'child_name', a."details"->>'childName', 'weeks', a."details"->'weeks'),
       CASE WHEN a."resolvedAt" IS NULL THEN 'new'::"AttentionStatus" ELSE 'closed'::"AttentionStatus" END,
       CASE WHEN a."planId" IS NULL THEN NULL ELSE 'calls.no_contact:' || a."planId" END,
       a."createdAt", COALESCE(a."resolvedAt", a."createdAt"), a."resolvedAt"
FROM "CoordinatorAlert" AS a LEFT JOIN "CallPlan" AS p ON p."id" = a."planId";
INSERT INTO "AttentionEvent" ("id", "itemId", "action", "at")
SELECT gen_random_uuid(), "id", 'raised', "createdAt" FROM "AttentionItem";

DROP TABLE "CoordinatorAlert";
