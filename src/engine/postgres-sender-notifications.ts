import pg from 'pg';
import type { Logger } from '../core/logger.js';
import type { SenderListeners, SenderNotifications } from './inbound-dispatcher.js';
import { INBOUND_CHANNEL } from './inbound-journal.js';

/** Where a process that wanted a sender's lease tells its holder. */
const KNOCK_CHANNEL = 'kinbridge_lease_knock';

/**
 * One connection per worker LISTENs on INBOUND_CHANNEL: a gateway's insert notifies in the same statement, so a worker
 * process hears of a new update within a round trip, with no queue in between. A lost connection is made again; what
 * was journaled meanwhile the sweep finds.
 */
export class PostgresSenderNotifications implements SenderNotifications {
  private client: pg.Client | undefined;
  private closed = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
  ) {}

  async listen(listeners: SenderListeners): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => {
      if (!message.payload) return;
      if (message.channel === INBOUND_CHANNEL) listeners.onSender(message.payload);
      if (message.channel === KNOCK_CHANNEL) listeners.onKnock(message.payload);
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'inbound notifications lost their connection; listening again');
      void client.end().catch(() => undefined);
      if (!this.closed) setTimeout(() => void this.listen(listeners).catch(() => undefined), 1_000);
    });
    await client.connect();
    await client.query(`LISTEN ${INBOUND_CHANNEL}; LISTEN ${KNOCK_CHANNEL}`);
    this.client = client;
  }

  /** Sent on the listening connection; a lost one just means the holder lets go when its idle time is up. */
  async knock(key: string): Promise<void> {
    await this.client?.query('SELECT pg_notify($1, $2)', [KNOCK_CHANNEL, key]).catch((error: unknown) => this.logger.warn({ err: error }, 'could not knock for a sender lease'));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }
}
