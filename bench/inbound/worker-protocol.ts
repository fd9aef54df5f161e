import type { OutboundMessage } from '../../src/core/messages.js';

/** The bench's fake platform and every worker process speak of one sent message by what a person would see of it. */
export interface SeenMessage {
  readonly text: string | undefined;
  /** The ids behind its buttons, each with its question's token, as a tap sends them back. */
  readonly choiceIds: readonly string[];
}

export function seenOf(message: OutboundMessage): SeenMessage {
  return { text: message.text, choiceIds: (message.choices ?? []).map((choice) => choice.id) };
}

/**
 * What a worker process (bench/inbound/worker.ts) tells the bench over Node's IPC channel, besides the race's driver
 * protocol (ready, report; see bench/race/contender-protocol.ts): each message it sent, and each warning it logged.
 */
export type FromWorker = { readonly kind: 'sent'; readonly chatId: string; readonly message: SeenMessage } | { readonly kind: 'logged'; readonly line: string };

/** The channel's name, on the bench's gateway and in every worker. */
export const BENCH_CHANNEL = 'bench';

/** What a worker reads from its environment, set by the bench. */
export const WORKER_ENVIRONMENT = { databaseUrl: 'DATABASE_URL', redisUrl: 'REDIS_URL', redisPrefix: 'BENCH_REDIS_PREFIX', secret: 'BENCH_SECRET' } as const;
