import type { Clock } from '../../core/clock.js';
import type { Address } from '../../core/messages.js';
import type { OutboxWriter } from '../../core/outbox-writer.js';
import type { MediaStore } from '../../storage/media-store.js';
import type { Database } from '../../storage/prisma.js';
import type { MediaIntake } from './media-intake.js';

/** What the updates feature's services share. */
export interface UpdateDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly outbox: OutboxWriter;
  readonly intake: MediaIntake;
  readonly store: MediaStore;
  /** The app a person used last (and has not blocked the bot on). */
  addressOf(personId: string): Promise<Address | null>;
  translate(locale: string, key: string, vars?: Record<string, unknown>): string;
}
