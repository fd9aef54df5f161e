-- Dashboard sign-in: one-time links and browser sessions (token hashes only), and the log of who viewed which family.
CREATE TABLE "DashboardLoginLink" (
    "id" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "personId" UUID NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DashboardLoginLink_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "DashboardLoginLink_tokenHash_key" ON "DashboardLoginLink"("tokenHash");
CREATE INDEX "DashboardLoginLink_personId_idx" ON "DashboardLoginLink"("personId");
ALTER TABLE "DashboardLoginLink" ADD CONSTRAINT "DashboardLoginLink_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "DashboardSession" (
    "id" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "personId" UUID NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DashboardSession_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "DashboardSession_tokenHash_key" ON "DashboardSession"("tokenHash");
CREATE INDEX "DashboardSession_personId_idx" ON "DashboardSession"("personId");
ALTER TABLE "DashboardSession" ADD CONSTRAINT "DashboardSession_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "DashboardAccessLog" (
    "id" UUID NOT NULL,
    "viewerId" UUID NOT NULL,
    "familyId" UUID NOT NULL,
    "childId" UUID,
    "view" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "DashboardAccessLog_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "DashboardAccessLog_familyId_at_idx" ON "DashboardAccessLog"("familyId", "at");
CREATE INDEX "DashboardAccessLog_viewerId_at_idx" ON "DashboardAccessLog"("viewerId", "at");
