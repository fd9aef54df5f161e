import { MediaTooLargeError, MediaUnavailableError, readLimited } from '../../core/media-fetcher.js';
import { ChannelSendError, type SendDisposition } from '../../core/send-error.js';
import { WINDOW_CLOSED_CODES } from './to-inbound.js';

export interface CloudApiOptions {
  /** Graph API root with its version, e.g. https://graph.facebook.com/v21.0 (the test fake's address in tests). */
  readonly apiRoot: string;
  readonly accessToken: string;
  readonly phoneNumberId: string;
  /** How long to wait after a throughput limit (130429) when WhatsApp advises no time itself (default 5 s). */
  readonly rateLimitRetryMs?: number;
}

/** A Graph API error answer: `{ error: { message, type, code, error_subcode, error_data: { details } } }`. */
interface GraphError {
  readonly code?: number;
  readonly message?: string;
  readonly error_data?: { readonly details?: string };
}

/** Cloud API refused or failed a request; the disposition says what the outbox should do about it. */
export class CloudApiError extends ChannelSendError {
  override readonly name = 'CloudApiError';
  constructor(
    message: string,
    disposition: SendDisposition,
    readonly errorCode: number | undefined,
    readonly httpStatus: number | undefined,
    retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, disposition, retryAfterMs, options);
  }
}

/** 131056: too many messages to one person (about one each 6 s is allowed). */
const PAIR_RATE_RETRY_MS = 6_000;
/** 4, 80007, 613: the app or account made too many calls; Meta's windows are about an hour, so try again in a minute. */
const ACCOUNT_RATE_RETRY_MS = 60_000;
/** 190, 10, 200: the token expired or lacks a permission; messages wait while someone fixes the configuration. */
const CONFIGURATION_RETRY_MS = 5 * 60_000;

const UNREACHABLE_CODES = new Set([131026, 131030, 131021]);
const ACCOUNT_RATE_CODES = new Set([4, 80007, 613]);
const CONFIGURATION_CODES = new Set([190, 10, 200]);
/**
 * 132000 wrong number of variables, 132001 no such template (name or language), 132005 text too long once filled,
 * 132007 against policy, 132012 variable of the wrong format, 132015 paused, 132016 disabled: the template needs
 * the deployment's attention, and the message waits for it or for the person's next word.
 */
const TEMPLATE_CODES = new Set([132000, 132001, 132005, 132007, 132012, 132015, 132016]);

/** What each Cloud API error means for the message that met it. */
export function dispositionOf(httpStatus: number | undefined, code: number | undefined, rateLimitRetryMs: number): { disposition: SendDisposition; retryAfterMs?: number } {
  if (code === 130429) return { disposition: 'retry_later', retryAfterMs: rateLimitRetryMs };
  if (code === 131056) return { disposition: 'retry_later', retryAfterMs: PAIR_RATE_RETRY_MS };
  if (code !== undefined && ACCOUNT_RATE_CODES.has(code)) return { disposition: 'retry_later', retryAfterMs: ACCOUNT_RATE_RETRY_MS };
  if (code !== undefined && CONFIGURATION_CODES.has(code)) return { disposition: 'retry_later', retryAfterMs: CONFIGURATION_RETRY_MS };
  if (code !== undefined && WINDOW_CLOSED_CODES.has(code)) return { disposition: 'window_closed' };
  if (code !== undefined && TEMPLATE_CODES.has(code)) return { disposition: 'hold' };
  if (code !== undefined && UNREACHABLE_CODES.has(code)) return { disposition: 'recipient_unreachable' };
  if (httpStatus === undefined || httpStatus === 429 || httpStatus >= 500) return { disposition: 'retry_later' };
  // 131000 "something went wrong" and 131016 "service unavailable" come with 4xx statuses too.
  if (code === 131000 || code === 131016 || code === 1 || code === 2) return { disposition: 'retry_later' };
  return { disposition: 'invalid_message' };
}

/** The few Graph API calls Kinbridge makes: send a message, upload a file, find and download a file. */
export class CloudApi {
  private readonly rateLimitRetryMs: number;
  private readonly root: string;

  constructor(private readonly options: CloudApiOptions) {
    this.rateLimitRetryMs = options.rateLimitRetryMs ?? 5_000;
    this.root = options.apiRoot.replace(/\/+$/, '');
  }

  /** POST /{phone-number-id}/messages; answers the new message's id (wamid…). */
  async sendMessage(body: object, what: string): Promise<string> {
    const answer = await this.call(`${this.root}/${this.options.phoneNumberId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, what);
    const id = (answer as { messages?: { id?: unknown }[] }).messages?.[0]?.id;
    if (typeof id !== 'string') throw new CloudApiError(`${what}: WhatsApp answered without a message id`, 'retry_later', undefined, 200);
    return id;
  }

  /** POST /{phone-number-id}/media as multipart; answers the media id, reusable for 30 days. */
  async uploadMedia(data: Uint8Array, fileName: string, mimeType: string, what: string): Promise<string> {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', mimeType);
    form.set('file', new Blob([data], { type: mimeType }), fileName);
    const answer = await this.call(`${this.root}/${this.options.phoneNumberId}/media`, { method: 'POST', body: form }, what);
    const id = (answer as { id?: unknown }).id;
    if (typeof id !== 'string') throw new CloudApiError(`${what}: WhatsApp answered without a media id`, 'retry_later', undefined, 200);
    return id;
  }

  /** GET /{media-id} for a short-lived URL, then the bytes from it, both with the access token. */
  async downloadMedia(mediaId: string, maxBytes: number): Promise<Uint8Array> {
    let info: { url?: unknown; file_size?: unknown };
    try {
      info = (await this.call(`${this.root}/${encodeURIComponent(mediaId)}`, { method: 'GET' }, `Finding media ${mediaId}`)) as typeof info;
    } catch (error) {
      throw new MediaUnavailableError(`WhatsApp will not hand out media ${mediaId}: ${(error as Error).message}`, { cause: error });
    }
    if (typeof info.file_size === 'number' && info.file_size > maxBytes) throw new MediaTooLargeError(info.file_size, maxBytes);
    if (typeof info.url !== 'string') throw new MediaUnavailableError(`WhatsApp gave no download URL for media ${mediaId}`);
    const response = await fetch(info.url, { headers: this.authorization() });
    if (!response.ok) {
      await response.body?.cancel();
      throw new MediaUnavailableError(`Downloading WhatsApp media ${mediaId} failed with HTTP ${response.status}`);
    }
    return readLimited(response, maxBytes);
  }

  private async call(url: string, init: RequestInit, what: string): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(url, { ...init, headers: { ...this.authorization(), ...(init.headers as Record<string, string> | undefined) } });
    } catch (error) {
      throw new CloudApiError(`${what} failed: ${(error as Error).message}`, 'retry_later', undefined, undefined, undefined, { cause: error });
    }
    const answer: unknown = await response.json().catch(() => ({}));
    if (response.ok) return answer;
    const error: GraphError = (answer as { error?: GraphError }).error ?? {};
    const advised = Number(response.headers.get('retry-after'));
    const { disposition, retryAfterMs } = dispositionOf(response.status, error.code, this.rateLimitRetryMs);
    const details = error.error_data?.details ? ` (${error.error_data.details})` : '';
    throw new CloudApiError(
      `${what} failed: WhatsApp error ${error.code ?? response.status}: ${error.message ?? response.statusText}${details}`,
      disposition,
      error.code,
      response.status,
      Number.isFinite(advised) && advised > 0 ? advised * 1000 : retryAfterMs,
    );
  }

  private authorization(): Record<string, string> {
    return { authorization: `Bearer ${this.options.accessToken}` };
  }
}
