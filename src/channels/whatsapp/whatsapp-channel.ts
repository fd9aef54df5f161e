import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MediaTooLargeError } from '../../core/media-fetcher.js';
import type { DeliveryReceipt } from '../../core/delivery-status.js';
import type { MediaRef, MediaSource, OutboundMessage } from '../../core/messages.js';
import type { ChannelAdapter, DeliveryStatusHandler, InboundHandler } from '../channel-adapter.js';
import type { ChannelLogger } from '../channel-adapter.js';
import type { ChannelMemory } from './channel-memory.js';
import { CloudApi, CloudApiError } from './cloud-api.js';
import { toEvents, WHATSAPP_CHANNEL, type WebhookEvent } from './to-inbound.js';
import { planSends, requestBody } from './to-whatsapp.js';
import { hasValidSignature, sameSecret } from './webhook-signature.js';
import { listen as listenOn } from '../listen.js';

export interface WhatsAppChannelOptions {
  readonly accessToken: string;
  readonly phoneNumberId: string;
  /** Signs every webhook POST (X-Hub-Signature-256); requests without a valid signature are refused unread. */
  readonly appSecret: string;
  /** What Meta sends back in the subscription handshake (hub.verify_token). */
  readonly verifyToken: string;
  /** Graph API root with version (default https://graph.facebook.com/v21.0); the fake's address in tests. */
  readonly apiRoot?: string;
  /** Which webhook deliveries were handled, and which files were uploaded: shared by every worker. */
  readonly memory: ChannelMemory;
  /** Serve the webhook on an own HTTP server; omit to mount `handleWebhookRequest` on an existing one. */
  readonly listen?: { readonly port: number; readonly host?: string };
  /** The webhook's path on the own server (default /whatsapp). */
  readonly path?: string;
  readonly logger?: ChannelLogger;
  /** Wait after a throughput limit when WhatsApp advises no time (default 5 s). */
  readonly rateLimitRetryMs?: number;
  /** Label of the button that opens a list of more than three choices (at most 20 characters). */
  readonly listButton?: string;
}

export const WHATSAPP_API_ROOT = 'https://graph.facebook.com/v21.0';
/** WhatsApp's customer-service window: free-form messages only within 24 hours of the person's last message. */
export const WHATSAPP_REPLY_WINDOW_MS = 24 * 3600_000;
/** Meta redelivers an unacknowledged webhook for up to 7 days; a message id is remembered that long. */
const DELIVERY_MEMORY_MS = 7 * 24 * 3600_000;
/** Held while one worker handles a delivery, so a redelivery meanwhile is not handled twice. */
const HANDLING_CLAIM_MS = 10 * 60_000;
/** Uploaded media stay on WhatsApp for 30 days; the id is reused a day less. */
const MEDIA_ID_MEMORY_MS = 29 * 24 * 3600_000;
/** Cloud API takes files up to 16 MB for audio and video (5 MB images), and hands out up to 100 MB. */
const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;
const MAX_WEBHOOK_BYTES = 1024 * 1024;
/**
 * Short rate limits (throughput, pair rate) are waited out here, as grammY's auto-retry does for Telegram, so a storm
 * does not reorder a chat; a longer or endless one goes back to the outbox, which keeps the row until it can go.
 */
const MAX_WAIT_IN_PROCESS_MS = 10_000;
const MAX_RATE_LIMIT_RETRIES = 8;

const silentLogger: ChannelLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * WhatsApp through Meta's official Cloud API: a webhook receives messages and delivery statuses, the Graph API sends.
 * The 24-hour window is the outbox's to respect (`replyWindowMs`, ReplyWindowGate); this adapter only translates.
 */
export class WhatsAppChannel implements ChannelAdapter {
  readonly name = WHATSAPP_CHANNEL;
  /** 80 messages a second per business number; to one person about one each 6 s, with short bursts. */
  readonly limits = { perSecond: 80, perChat: { max: 10, windowMs: 60_000 } };
  readonly replyWindowMs = WHATSAPP_REPLY_WINDOW_MS;
  private readonly api: CloudApi;
  private readonly logger: ChannelLogger;
  private onMessage: InboundHandler | undefined;
  private onStatus: DeliveryStatusHandler | undefined;
  private server: Server | undefined;

  constructor(private readonly options: WhatsAppChannelOptions) {
    this.logger = options.logger ?? silentLogger;
    this.api = new CloudApi({ apiRoot: options.apiRoot ?? WHATSAPP_API_ROOT, accessToken: options.accessToken, phoneNumberId: options.phoneNumberId, rateLimitRetryMs: options.rateLimitRetryMs });
  }

  async start(onMessage: InboundHandler, onStatus?: DeliveryStatusHandler): Promise<void> {
    if (this.onMessage) throw new Error('WhatsAppChannel is already started');
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    if (this.options.listen) await this.listen(this.options.listen);
    this.logger.info({ channel: this.name, webhook: this.webhookAddress() }, 'WhatsApp channel started');
  }

  async stop(): Promise<void> {
    this.onMessage = undefined;
    this.onStatus = undefined;
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  async send(chatId: string, message: OutboundMessage): Promise<DeliveryReceipt> {
    const sends = planSends(message, this.options.listButton ?? '☰ 选择 Choose');
    const platformMessageIds: string[] = [];
    for (const [index, send] of sends.entries()) {
      const what = `${send.type} ${index + 1}/${sends.length}`;
      const mediaId = 'media' in send ? await this.mediaIdOf(send.media, what) : undefined;
      platformMessageIds.push(await waitingOutRateLimits(() => this.api.sendMessage(requestBody(chatId, send, mediaId), what)));
    }
    return { platformMessageIds };
  }

  async downloadMedia(ref: MediaRef, options: { readonly maxBytes: number }): Promise<Uint8Array> {
    const maxBytes = Math.min(options.maxBytes, MAX_DOWNLOAD_BYTES);
    if (ref.sizeBytes !== undefined && ref.sizeBytes > maxBytes) throw new MediaTooLargeError(ref.sizeBytes, maxBytes);
    return this.api.downloadMedia(ref.fileId, maxBytes);
  }

  /** Where the own webhook server listens (useful with port 0), if it runs. */
  webhookAddress(): AddressInfo | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address : undefined;
  }

  /**
   * One webhook request, for mounting on an existing server. GET is Meta's subscription handshake; a POST is read
   * raw, refused with 401 unless its signature is right, and answered 200 once every message in it is handled (500
   * when one failed, so Meta delivers it again; what was handled is not handled twice).
   */
  async handleWebhookRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET') return this.verifySubscription(req, res);
    if (req.method !== 'POST') return void res.writeHead(405, { allow: 'GET, POST' }).end();
    if (!this.onMessage) return void res.writeHead(503).end(); // not started: Meta tries again later
    const raw = await readBody(req, MAX_WEBHOOK_BYTES);
    if (!raw) return void res.writeHead(413).end();
    if (!hasValidSignature(raw, header(req, 'x-hub-signature-256'), this.options.appSecret)) {
      this.logger.warn({ channel: this.name }, 'Refused a WhatsApp webhook request without a valid signature');
      return void res.writeHead(401).end();
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(raw).toString('utf8'));
    } catch {
      return void res.writeHead(400).end();
    }
    const results = await Promise.all(toEvents(body, this.options.phoneNumberId).map((event) => this.handle(event)));
    res.writeHead(results.every(Boolean) ? 200 : 500).end();
  }

  private verifySubscription(req: IncomingMessage, res: ServerResponse): void {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const challenge = query.get('hub.challenge');
    if (query.get('hub.mode') === 'subscribe' && challenge && sameSecret(query.get('hub.verify_token') ?? '', this.options.verifyToken)) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(challenge);
      return;
    }
    this.logger.warn({ channel: this.name }, 'Refused a WhatsApp webhook verification with a wrong verify token');
    res.writeHead(403).end();
  }

  /** False when the event must be delivered again. */
  private async handle(event: WebhookEvent): Promise<boolean> {
    if (event.kind === 'ignored') {
      this.logger.debug({ channel: this.name, reason: event.reason }, 'Ignored part of a WhatsApp webhook');
      return true;
    }
    if (event.kind === 'status') return this.handleStatus(event.update);
    const key = `inbound:${event.id}`;
    if (!(await this.options.memory.claim(key, HANDLING_CLAIM_MS))) {
      this.logger.debug({ channel: this.name, messageId: event.id }, 'WhatsApp message delivered again; handled once already');
      return true;
    }
    try {
      await this.onMessage?.([{ ...event.message, platformId: event.id }]);
      await this.options.memory.set(key, 'handled', DELIVERY_MEMORY_MS);
      return true;
    } catch (err) {
      await this.options.memory.forget(key);
      this.logger.error({ err, channel: this.name, messageId: event.id }, 'Inbound handler failed; WhatsApp will deliver the message again');
      return false;
    }
  }

  private async handleStatus(update: Parameters<DeliveryStatusHandler>[0]): Promise<boolean> {
    try {
      await this.onStatus?.(update);
      return true;
    } catch (err) {
      this.logger.error({ err, channel: this.name, messageId: update.platformMessageId }, 'Recording a WhatsApp status failed');
      return false;
    }
  }

  /** Uploads a file once; the same bytes later go by the id WhatsApp gave them (kept 30 days there). */
  private async mediaIdOf(media: MediaSource, what: string): Promise<string> {
    if (media.kind === 'platform') return media.fileId;
    const data = media.kind === 'bytes' ? media.data : await readFile(media.path);
    const key = `media:${createHash('sha256').update(data).digest('hex')}`;
    const known = await this.options.memory.get(key);
    if (known) return known;
    const id = await this.api.uploadMedia(data, media.fileName, media.mimeType, `Uploading ${media.fileName} for ${what}`);
    await this.options.memory.set(key, id, MEDIA_ID_MEMORY_MS);
    return id;
  }

  private async listen(listen: { port: number; host?: string }): Promise<void> {
    const path = this.options.path ?? '/whatsapp';
    const server = createServer((req, res) => {
      if (new URL(req.url ?? '/', 'http://localhost').pathname !== path) return void res.writeHead(404).end();
      this.handleWebhookRequest(req, res).catch((err: unknown) => {
        this.logger.warn({ err, channel: this.name }, 'Bad WhatsApp webhook request');
        if (!res.headersSent) res.writeHead(400).end();
      });
    });
    await listenOn(server, listen);
    this.server = server;
  }
}

async function waitingOutRateLimits<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const waitMs = err instanceof CloudApiError && err.disposition === 'retry_later' ? err.retryAfterMs : undefined;
      if (waitMs === undefined || waitMs > MAX_WAIT_IN_PROCESS_MS || attempt >= MAX_RATE_LIMIT_RETRIES) throw err;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/** The body as received, or undefined past `maxBytes`. */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

