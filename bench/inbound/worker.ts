/**
 * One worker process of `npm run bench:inbound -- --workers N`: the real app in the worker role (turns, timers, sends)
 * on the bench's database and Redis. Its channel is the fake platform's sending end: every message goes to the bench
 * over IPC, where the simulated people read it. Warnings and errors go there too (they fail the run).
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createKinbridge } from '../../src/app.js';
import type { ChannelAdapter } from '../../src/channels/channel-adapter.js';
import type { OutboundMessage } from '../../src/core/messages.js';
import { serveDriver } from '../race/contender-protocol.js';
import { BENCH_CHANNEL, seenOf, WORKER_ENVIRONMENT, type FromWorker } from './worker-protocol.js';

function tell(message: FromWorker): void {
  process.send?.(message);
}

/** Sends only: a worker receives nothing from the platform (the bench's gateway does). */
class ForwardingChannel implements ChannelAdapter {
  readonly name = BENCH_CHANNEL;
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async send(chatId: string, message: OutboundMessage): Promise<void> {
    tell({ kind: 'sent', chatId, message: seenOf(message) });
  }
}

class ForwardedLog extends Writable {
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    tell({ kind: 'logged', line: chunk.toString('utf8').trim() });
    callback();
  }
}

function read(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`A bench worker needs ${name}`);
  return value;
}

async function main(): Promise<void> {
  const app = await createKinbridge({
    roles: ['worker'],
    databaseUrl: read(WORKER_ENVIRONMENT.databaseUrl),
    redisUrl: read(WORKER_ENVIRONMENT.redisUrl),
    redisPrefix: read(WORKER_ENVIRONMENT.redisPrefix),
    secret: read(WORKER_ENVIRONMENT.secret),
    channels: [new ForwardingChannel()],
    logger: pino({ level: 'warn' }, new ForwardedLog()),
  });
  await app.start();
  serveDriver();
  process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
