import type { SqlPool } from '../storage/prisma.js';
import type { JournaledUpdate } from './inbound-journal.js';
import { updateContextOf, updateContextSelect, type UpdateContext, type UpdateContextRow } from './update-context.js';

/** Reads an update's context in one round trip, unless it was read as the update was journaled (see InboundJournal.record). */
export class TurnReader {
  constructor(private readonly sql: SqlPool) {}

  async read(update: JournaledUpdate): Promise<UpdateContext> {
    if (update.context) return update.context;
    const { message } = update;
    const { rows } = await this.sql.query<UpdateContextRow>({
      name: 'kinbridge-turn-read',
      text: updateContextSelect('$1', '$2', '$3', '$4::bigint'),
      values: [message.channel, message.externalId, update.senderKey, update.seq.toString()],
    });
    return updateContextOf(rows[0]!);
  }
}
