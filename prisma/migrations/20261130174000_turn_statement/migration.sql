-- A turn is one statement (see src/engine/turn-committer.ts): it marks the inbound update handled, saves the session
-- over the version it read, writes the turn's messages and its timers. When the update was handled meanwhile, or the
-- session changed, this aborts the whole statement, so none of it is kept; the caller tells the two apart by the message.
CREATE FUNCTION kinbridge_refuse_turn(reason TEXT) RETURNS BOOLEAN LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'turn refused: %', reason USING ERRCODE = 'KB409';
END
$$;

-- Timers are written with the turn that set them; BullMQ fires them, and a sweep re-schedules those whose job was lost.
CREATE TABLE "FlowTimer" (
    "token" TEXT NOT NULL,
    "personId" UUID NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FlowTimer_pkey" PRIMARY KEY ("token")
);

CREATE INDEX "FlowTimer_dueAt_idx" ON "FlowTimer"("dueAt");

ALTER TABLE "FlowTimer" ADD CONSTRAINT "FlowTimer_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;
