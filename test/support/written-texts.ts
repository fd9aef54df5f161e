import type { Database } from '../../src/storage/prisma.js';

/** The texts written to a chat, in the order the outbox sends them (its per-chat sequence), sent or not yet. */
export async function textsWrittenTo(db: Database, chatId: string): Promise<string[]> {
  const rows = await db.outboxMessage.findMany({ where: { chatId }, orderBy: { seq: 'asc' }, select: { payload: true } });
  return rows.map((row) => String((row.payload as { text?: string }).text));
}
