-- Where a child lives: a stay with one of their parents (a migrant child) runs from `since` until the child goes
-- home again. At most one open stay per child, enforced here (Prisma cannot say "unique where until is null").

-- CreateTable
CREATE TABLE "ChildStay" (
    "id" UUID NOT NULL,
    "childId" UUID NOT NULL,
    "parentId" UUID NOT NULL,
    "since" TIMESTAMP(3) NOT NULL,
    "until" TIMESTAMP(3),
    "begunById" UUID,
    "endedById" UUID,

    CONSTRAINT "ChildStay_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChildStay_childId_since_idx" ON "ChildStay"("childId", "since");

-- CreateIndex
CREATE INDEX "ChildStay_parentId_idx" ON "ChildStay"("parentId");

-- One place at a time: a second open stay for the same child is refused.
CREATE UNIQUE INDEX "ChildStay_one_open_per_child" ON "ChildStay"("childId") WHERE "until" IS NULL;

-- AddForeignKey
ALTER TABLE "ChildStay" ADD CONSTRAINT "ChildStay_childId_fkey" FOREIGN KEY ("childId") REFERENCES "Child"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChildStay" ADD CONSTRAINT "ChildStay_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChildStay" ADD CONSTRAINT "ChildStay_begunById_fkey" FOREIGN KEY ("begunById") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChildStay" ADD CONSTRAINT "ChildStay_endedById_fkey" FOREIGN KEY ("endedById") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;
