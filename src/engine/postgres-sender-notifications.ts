import pg from 'pg';
import type { Logger } from '../core/logger.js';
import type { SenderNotifications } from './inbound-dispatcher.js';
import { INBOUND_CHANNEL } from './inbound-journal.js';

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

  async listen(onSender: (key: string) => void): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => {
      if (message.channel === INBOUND_CHANNEL && message.payload) onSender(message.payload);
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'inbound notifications lost their connection; listening again');
      void client.end().catch(() => undefined);
      if (!this.closed) setTimeout(() => void this.listen(onSender).catch(() => undefined), 1_000);
    });
    await client.connect();
    await client.query(`LISTEN ${INBOUND_CHANNEL}`);
    this.client = client;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }
}
