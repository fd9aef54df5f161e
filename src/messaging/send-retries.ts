/** How often a message is tried before it is given up, by the queue and by the bulk sender alike. */
export const MAX_SEND_ATTEMPTS = 10;

/** The first retry waits this long, each next one twice as long as the one before. */
export const FIRST_RETRY_DELAY_MS = 1_000;

/** The wait before the next try of a message tried `attempts` times (as BullMQ's exponential backoff counts). */
export function retryDelayMs(attempts: number): number {
  return FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, attempts - 1);
}

/** What a row keeps of a send error. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 500) : String(error);
}
