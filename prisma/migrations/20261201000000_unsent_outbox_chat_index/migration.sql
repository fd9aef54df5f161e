-- Whether a chat has a message still to send (a turn's replies wait behind it; a sent one hands on to the next) is
-- asked for every message: this partial index holds only the rows not sent yet, so the question reads a few entries
-- of that one chat, however many messages were sent before. A row marked sent leaves it, without a new entry.
DROP INDEX "OutboxMessage_channel_chatId_status_seq_idx";
CREATE INDEX "OutboxMessage_unsent_chat_idx" ON "OutboxMessage"("channel", "chatId", "seq") WHERE "status" IN ('queued', 'sending');
