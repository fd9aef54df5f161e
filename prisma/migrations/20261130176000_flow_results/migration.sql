-- Flow results: answers a flow keeps with `save:` (person, optional child, flow and version, name, value, category).

-- CreateTable
CREATE TABLE "FlowResult" (
    "id" UUID NOT NULL,
    "personId" UUID NOT NULL,
    "childId" UUID,
    "flowId" TEXT NOT NULL,
    "flowVersion" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "category" TEXT,
    "recordedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FlowResult_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FlowResult_personId_flowId_name_recordedAt_idx" ON "FlowResult"("personId", "flowId", "name", "recordedAt");

-- CreateIndex
CREATE INDEX "FlowResult_childId_idx" ON "FlowResult"("childId");

-- AddForeignKey
ALTER TABLE "FlowResult" ADD CONSTRAINT "FlowResult_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlowResult" ADD CONSTRAINT "FlowResult_childId_fkey" FOREIGN KEY ("childId") REFERENCES "Child"("id") ON DELETE CASCADE ON UPDATE CASCADE;
