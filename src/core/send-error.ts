/**
 * How a failed send should be treated, said by the adapter that knows its platform:
 * `retry_later` (rate limit, outage; `retryAfterMs` when the platform named a time), `recipient_unreachable`
 * (blocked the bot, account gone: retrying cannot help), `invalid_message` (this message can never be sent),
 * `window_closed` (the platform's reply window has closed: only an approved template may go now), `hold` (it cannot go
 * as it is until someone fixes the deployment — a template missing, paused or filled wrong — or the person writes
 * again, when it may go as a plain message: kept, reported, never dropped).
 */
export type SendDisposition = 'retry_later' | 'recipient_unreachable' | 'invalid_message' | 'window_closed' | 'hold';

export class ChannelSendError extends Error {
  override readonly name: string = 'ChannelSendError';
  constructor(
    message: string,
    readonly disposition: SendDisposition,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
