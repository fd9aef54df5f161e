-- A turn is one statement (see src/engine/turn-committer.ts): it marks the inbound update handled, saves the session
-- over the version it read and writes the turn's messages. When the update was handled meanwhile, or the session
-- changed, this aborts the whole statement, so none of it is kept; the caller tells the two apart by the message.
CREATE FUNCTION kinbridge_refuse_turn(reason TEXT) RETURNS BOOLEAN LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'turn refused: %', reason USING ERRCODE = 'KB409';
END
$$;
