import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { autoRetry } from '@grammyjs/auto-retry';
import { createRunner, createSource, createUpdateFetcher, type RunnerHandle } from '@grammyjs/runner';
import { Bot, BotError, GrammyError, HttpError, InputFile, InputMediaBuilder, webhookCallback } from 'grammy';
import type { Update } from 'grammy/types';
import { MediaTooLargeError, MediaUnavailableError, readLimited } from '../../core/media-fetcher.js';
import type { InboundMessage, MediaRef, MediaSource, OutboundAlbumItem, OutboundMessage } from '../../core/messages.js';
import type { CommandMenu } from '../../core/role-commands.js';
import { ChannelSendError, type SendDisposition } from '../../core/send-error.js';
import type { ChannelAdapter, ChannelLogger, InboundHandler } from '../channel-adapter.js';
import { AlbumCollector } from './album-collector.js';
import { TELEGRAM_CHANNEL, toInbound } from './to-inbound.js';
import { planSends, type TelegramSend } from './to-telegram.js';
import { listen as listenOn } from '../listen.js';

export interface TelegramWebhookOptions {
  /** Public HTTPS URL Telegram posts updates to (registered with setWebhook on start). */
  readonly url: string;
  /** Sent back by Telegram in X-Telegram-Bot-Api-Secret-Token; requests without it are refused. */
  readonly secretToken: string;
  /**
   * Serve updates on an own HTTP server. Omit to mount on an existing server instead by routing
   * POSTs to `channel.handleWebhookRequest(req, res)`.
   */
  readonly listen?: { readonly port: number; readonly host?: string };
  /** Path the own server answers on; defaults to the path of `url` (set it when a proxy rewrites paths). */
  readonly path?: string;
}

export interface TelegramChannelOptions {
  readonly token: string;
  /** Bot API server, e.g. a local Bot API server or the test fake; defaults to https://api.telegram.org. */
  readonly apiRoot?: string;
  /** Receive updates by webhook; long polling when absent. */
  readonly webhook?: TelegramWebhookOptions;
  readonly logger?: ChannelLogger;
  /** How long `start` waits for Telegram to answer getMe before failing (default 60). */
  readonly startTimeoutSeconds?: number;
  /** How long after an album's last part arrived it is handed on as one message (default 1500 ms). */
  readonly albumQuietMs?: number;
  /** Long polling: how long after the inbound handler failed a delivery it is handed on again (default 1000 ms). */
  readonly redeliverAfterMs?: number;
}

/** Telegram refused or failed a send; `recipientUnreachable` means retrying will not help (blocked bot, gone chat). */
export class TelegramSendError extends ChannelSendError {
  override readonly name = 'TelegramSendError';
  constructor(
    message: string,
    readonly errorCode: number | undefined,
    readonly recipientUnreachable: boolean,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, dispositionOf(errorCode, recipientUnreachable), options?.retryAfterSeconds ? options.retryAfterSeconds * 1000 : undefined, options);
  }
}

/** 429 and 5xx (and no answer at all) pass; other 4xx mean this message will never be accepted. */
function dispositionOf(errorCode: number | undefined, recipientUnreachable: boolean): SendDisposition {
  if (recipientUnreachable) return 'recipient_unreachable';
  if (errorCode === undefined || errorCode === 429 || errorCode >= 500) return 'retry_later';
  return 'invalid_message';
}

const consoleLogger: ChannelLogger = {
  debug: () => {},
  info: () => {},
  warn: (fields, message) => console.warn(message, fields),
  error: (fields, message) => console.error(message, fields),
};

/** The Bot API hands out files up to 20 MB through getFile. */
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

/**
 * A webhook request whose update is still not journaled after this long (the database restarting) is answered 503:
 * Telegram delivers it again, and the journal recognises it should the first attempt still succeed. Never 200 before.
 */
const WEBHOOK_HANDLER_TIMEOUT_MS = 50_000;

type WebhookRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** /readyz is asked every few seconds: a Bot API slower than this counts as unreachable. */
const PROBE_TIMEOUT_MS = 5_000;

/** How long one getUpdates call waits for an update (long polling), as grammY's bot.start() does. */
const POLL_TIMEOUT_SECONDS = 30;

/** The messages of one delivery, and its album parts (held by the AlbumCollector until the album is whole). */
interface Delivery {
  readonly messages: InboundMessage[];
  readonly albumParts: { readonly albumId: string; readonly part: InboundMessage }[];
}

export class TelegramChannel implements ChannelAdapter {
  readonly name = TELEGRAM_CHANNEL;
  /** About 30 messages a second per bot, and about one a second per chat with short bursts allowed. */
  readonly limits = { perSecond: 30, perChat: { max: 3, windowMs: 3_000 } };
  private readonly bot: Bot;
  private readonly logger: ChannelLogger;
  private readonly albums: AlbumCollector;
  private readonly apiRoot: string;
  private onMessage: InboundHandler | undefined;
  private running = false;
  private poller: RunnerHandle | undefined;
  /** Aborted on stop: a delivery waiting to be handed on again stays unconfirmed. */
  private stopping = new AbortController();
  /** The last update of the deliveries handed on: what stop confirms. */
  private lastDeliveredUpdateId: number | undefined;
  /** Button taps being answered and albums being handed on, which stop waits for. */
  private readonly pending = new Set<Promise<void>>();
  private webhookHandler: WebhookRequestHandler | undefined;
  private webhookServer: Server | undefined;

  constructor(private readonly options: TelegramChannelOptions) {
    this.logger = options.logger ?? consoleLogger;
    const apiRoot = options.apiRoot?.replace(/\/+$/, ''); // grammY throws on a trailing slash
    this.apiRoot = apiRoot ?? 'https://api.telegram.org';
    this.bot = new Bot(options.token, apiRoot ? { client: { apiRoot } } : {});
    this.albums = new AlbumCollector(options.albumQuietMs ?? 1_500, (album) => this.track(this.handOnAlbum(album)));
    // No in-process throttler: every message goes through the outbox, which paces the bot across all its processes
    // (a per-second count in Redis) and each chat (one message of a chat at a time, in order, within `limits.perChat`).
    // Network errors are rethrown: auto-retry would otherwise retry them forever and `send` would never settle.
    this.bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 120, rethrowHttpErrors: true }));
    // A webhook request carries one update; an error here answers it 500, so Telegram delivers it again (see
    // handleWebhookRequest). Long polling hands whole getUpdates answers to `deliverPolled` instead.
    this.bot.use(async (ctx) => {
      this.answerTaps([ctx.update]);
      await this.handOn(this.normalise([ctx.update]));
    });
  }

  async start(onMessage: InboundHandler): Promise<void> {
    if (this.running) throw new Error('TelegramChannel is already started');
    this.running = true;
    this.onMessage = onMessage;
    try {
      await this.init();
      if (this.options.webhook) await this.startWebhook(this.options.webhook);
      else await this.startPolling();
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.logger.info(
      { bot: this.bot.botInfo.username, mode: this.options.webhook ? 'webhook' : 'polling' },
      'Telegram channel started',
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.poller) {
      const poller = this.poller;
      this.poller = undefined;
      // Ends the pending getUpdates; a delivery being journaled finishes first, one waiting to be tried again does not.
      const finished = poller.stop();
      this.stopping.abort();
      await finished?.catch((err: unknown) => this.logger.warn({ err }, 'Stopping Telegram polling failed'));
      await this.confirmDelivered();
    }
    if (this.webhookServer) {
      const server = this.webhookServer;
      this.webhookServer = undefined;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    }
    // Nothing more arrives: the albums held so far are handed on, so nothing received is lost.
    this.albums.flushAll();
    await Promise.all(this.pending);
    this.onMessage = undefined;
  }

  /** Telegram's "/" menu: the default one per app language, or one chat's own (its person's role and language). */
  async setCommandMenu(menu: CommandMenu): Promise<void> {
    const scope = menu.chatId ? { type: 'chat' as const, chat_id: menu.chatId } : { type: 'default' as const };
    await this.bot.api.setMyCommands([...menu.commands], { scope, ...(menu.language ? { language_code: menu.language as 'en' } : {}) });
  }

  async send(chatId: string, message: OutboundMessage): Promise<void> {
    const sends = planSends(message);
    for (const [index, call] of sends.entries()) {
      try {
        await this.perform(chatId, call);
      } catch (err) {
        throw toSendError(err, `${call.method} ${index + 1}/${sends.length} to chat ${chatId}`);
      }
    }
  }

  async downloadMedia(ref: MediaRef, options: { readonly maxBytes: number }): Promise<Uint8Array> {
    const maxBytes = Math.min(options.maxBytes, MAX_DOWNLOAD_BYTES);
    if (ref.sizeBytes !== undefined && ref.sizeBytes > maxBytes) throw new MediaTooLargeError(ref.sizeBytes, maxBytes);
    let filePath: string | undefined;
    try {
      const file = await this.bot.api.getFile(ref.fileId);
      if (file.file_size !== undefined && file.file_size > maxBytes) throw new MediaTooLargeError(file.file_size, maxBytes);
      filePath = file.file_path;
    } catch (err) {
      if (err instanceof GrammyError && /too big/i.test(err.description)) throw new MediaTooLargeError(MAX_DOWNLOAD_BYTES + 1, maxBytes);
      if (err instanceof GrammyError) throw new MediaUnavailableError(`Telegram refused file ${ref.fileId}: ${err.description}`, { cause: err });
      throw err;
    }
    if (!filePath) throw new MediaUnavailableError(`Telegram gave no download path for file ${ref.fileId}`);
    const response = await fetch(`${this.apiRoot}/file/bot${this.options.token}/${filePath}`);
    if (!response.ok) {
      await response.body?.cancel();
      throw new MediaUnavailableError(`Downloading Telegram file ${ref.fileId} failed with HTTP ${response.status}`);
    }
    return readLimited(response, maxBytes);
  }

  /**
   * Handles one webhook request (POST with a JSON update) for mounting on an existing HTTP server.
   * A missing or wrong secret token gets 401 and the update is not processed.
   */
  async handleWebhookRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.running || !this.webhookHandler) {
      res.writeHead(503).end(); // not started (or stopped): Telegram retries later
      return;
    }
    try {
      await this.webhookHandler(req, res);
    } catch (err) {
      if (err instanceof BotError) {
        // Not journaled: Telegram must not count the update delivered, and tries it again.
        this.logger.error({ err: err.error, updateId: err.ctx.update.update_id }, 'Inbound handler failed; Telegram will deliver the update again');
        if (!res.headersSent) res.writeHead(500).end();
        return;
      }
      this.logger.warn({ err }, 'Bad Telegram webhook request');
      if (!res.headersSent) res.writeHead(400).end();
    }
  }

  /**
   * A t.me link that opens the bot and sends it "/start <payload>"; undefined until `start` has learnt the
   * bot's username. Telegram allows 1-64 characters of A-Z, a-z, 0-9, _ and - as payload.
   */
  deepLink(payload: string): string | undefined {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(payload)) throw new RangeError(`Not a valid Telegram start payload: "${payload}"`);
    if (!this.bot.isInited()) return undefined;
    return `https://t.me/${this.bot.botInfo.username}?start=${payload}`;
  }

  /** getMe, answered by Telegram (or the Bot API server in front of it) within a few seconds. */
  async probe(): Promise<void> {
    const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS);
    await this.bot.api.getMe(signal as unknown as Parameters<Bot['api']['getMe']>[0]);
  }

  /** Where the own webhook server listens (useful with port 0), if it runs. */
  webhookAddress(): AddressInfo | undefined {
    const address = this.webhookServer?.address();
    return address && typeof address === 'object' ? address : undefined;
  }

  /** getMe: a wrong token fails here, at start-up. */
  private async init(): Promise<void> {
    const seconds = this.options.startTimeoutSeconds ?? 60;
    const signal = AbortSignal.timeout(seconds * 1000);
    try {
      // grammY retries getMe on network errors forever; the signal turns an unreachable Telegram into a failed start.
      // grammY types signals with the abort-controller shim; Node's own AbortSignal works the same at runtime.
      await this.bot.init(signal as unknown as Parameters<Bot['init']>[0]);
    } catch (err) {
      if (!signal.aborted) throw err;
      throw new Error(`Telegram Bot API at ${this.options.apiRoot ?? 'https://api.telegram.org'} did not answer within ${seconds} s`, {
        cause: err,
      });
    }
  }

  /**
   * Long polling with grammY runner's update source: it asks for the next batch (which confirms this one to Telegram)
   * only once `deliverPolled` has resolved, so an update is journaled before Telegram counts it delivered.
   */
  private async startPolling(): Promise<void> {
    // getUpdates is refused while a webhook is set; updates sent while the bot was down are still answered.
    await this.bot.api.deleteWebhook({ drop_pending_updates: false });
    const fetchUpdates = createUpdateFetcher(this.bot, {
      // Like bot.start(): every kind of update Telegram sends by default, and retrying an unreachable Bot API forever,
      // each wait 100 ms longer than the last.
      fetch: { timeout: POLL_TIMEOUT_SECONDS, allowed_updates: [] },
      retryInterval: 'quadratic',
      maxRetryTime: Infinity,
      silent: true,
    });
    this.stopping = new AbortController();
    this.lastDeliveredUpdateId = undefined;
    let delivering: readonly Update[] = [];
    const poller = createRunner(createSource({ supply: fetchUpdates }), {
      handle: async (updates) => {
        delivering = updates;
        await this.deliverPolled(updates);
        delivering = [];
        return Infinity;
      },
      size: () => delivering.length,
      snapshot: () => [...delivering],
    });
    poller.start();
    this.poller = poller;
    // 401/409 (token revoked, another instance polling) end the loop; nothing here can recover from that.
    void poller.task()?.catch((err: unknown) => this.logger.error({ err }, 'Telegram long polling stopped'));
  }

  /**
   * One getUpdates answer, handed on as one delivery. Until the handler took it in, it is handed on again (Telegram keeps
   * it meanwhile): the runner does not ask for more, so its offset is not confirmed, until this resolves.
   */
  private async deliverPolled(updates: readonly Update[]): Promise<void> {
    this.answerTaps(updates);
    const delivery = this.normalise(updates);
    for (;;) {
      try {
        await this.handOn(delivery);
        break;
      } catch (err) {
        this.logger.error({ err, updates: updates.length, firstUpdateId: updates[0]?.update_id }, 'Inbound handler failed');
        // On stop this throws: the stopped runner ends without asking for more, and the delivery stays unconfirmed.
        await sleep(this.options.redeliverAfterMs ?? 1_000, undefined, { signal: this.stopping.signal });
      }
    }
    this.lastDeliveredUpdateId = updates.at(-1)?.update_id ?? this.lastDeliveredUpdateId;
  }

  /** Tells Telegram, as bot.stop() does, that the deliveries handed on are done with, so a restart does not fetch them again. */
  private async confirmDelivered(): Promise<void> {
    if (this.lastDeliveredUpdateId === undefined) return;
    await this.bot.api
      .getUpdates({ offset: this.lastDeliveredUpdateId + 1, limit: 1, timeout: 0 })
      .catch((err: unknown) => this.logger.warn({ err }, 'Could not confirm the last Telegram updates; they will be fetched again'));
  }

  /** Stops the spinner of each tapped button at once, whatever becomes of the update, without holding up journaling. */
  private answerTaps(updates: readonly Update[]): void {
    for (const update of updates) {
      const id = update.callback_query?.id;
      if (typeof id !== 'string') continue;
      this.track(
        this.bot.api.answerCallbackQuery(id).then(
          () => undefined,
          (err: unknown) => this.logger.warn({ err, updateId: update.update_id }, 'Could not answer Telegram callback query'),
        ),
      );
    }
  }

  private normalise(updates: readonly Update[]): Delivery {
    const delivery: Delivery = { messages: [], albumParts: [] };
    for (const update of updates) {
      const result = toInbound(update);
      if (result.kind === 'ignored') {
        this.logger.debug({ updateId: update.update_id, reason: result.reason }, 'Ignored Telegram update');
        continue;
      }
      const message = { ...result.message, platformId: String(update.update_id) };
      if (result.albumId) delivery.albumParts.push({ albumId: result.albumId, part: message });
      else delivery.messages.push(message);
    }
    return delivery;
  }

  /**
   * The delivery's messages in one call (journaled in one statement); its album parts are collected only once that
   * succeeded, so a delivery handed on again does not add them twice.
   */
  private async handOn({ messages, albumParts }: Delivery): Promise<void> {
    if (messages.length > 0) await this.onMessage?.(messages);
    for (const { albumId, part } of albumParts) this.albums.add(albumId, part);
  }

  private async startWebhook(webhook: TelegramWebhookOptions): Promise<void> {
    this.webhookHandler ??= webhookCallback(this.bot, 'http', {
      secretToken: webhook.secretToken,
      onTimeout: (_req: IncomingMessage, res: ServerResponse) => void res.writeHead(503).end(),
      timeoutMilliseconds: WEBHOOK_HANDLER_TIMEOUT_MS,
    });
    if (webhook.listen) await this.listen(webhook, webhook.listen);
    // Registered only once the endpoint answers, so Telegram's first delivery cannot hit a closed port.
    await this.bot.api.setWebhook(webhook.url, { secret_token: webhook.secretToken, drop_pending_updates: false });
  }

  private async listen(webhook: TelegramWebhookOptions, listen: { port: number; host?: string }): Promise<void> {
    const path = webhook.path ?? new URL(webhook.url).pathname;
    const server = createServer((req, res) => {
      const requestPath = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (requestPath !== path) res.writeHead(404).end();
      else if (req.method !== 'POST') res.writeHead(405, { allow: 'POST' }).end();
      else void this.handleWebhookRequest(req, res);
    });
    await listenOn(server, listen);
    this.webhookServer = server;
  }

  /** An album is gathered in memory after its parts were fetched: a handler failing on it is only logged. */
  private async handOnAlbum(album: InboundMessage): Promise<void> {
    try {
      await this.onMessage?.([album]);
    } catch (err) {
      this.logger.error({ err, updateId: album.platformId, chatId: album.chatId }, 'Inbound handler failed');
    }
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private async perform(chatId: string, call: TelegramSend): Promise<void> {
    if (call.method === 'sendMediaGroup') {
      await this.bot.api.sendMediaGroup(chatId, call.items.map((item, index) => toInputMedia(item, index === 0 ? call.caption : undefined)));
      return;
    }
    const markup = call.replyMarkup ? { reply_markup: call.replyMarkup } : {};
    switch (call.method) {
      case 'sendMessage':
        await this.bot.api.sendMessage(chatId, call.text, markup);
        return;
      case 'sendPhoto':
        await this.bot.api.sendPhoto(chatId, toInputFile(call.media), { ...markup, caption: call.caption });
        return;
      case 'sendVoice':
        await this.bot.api.sendVoice(chatId, toInputFile(call.media), { ...markup, caption: call.caption });
        return;
      case 'sendVideo':
        await this.bot.api.sendVideo(chatId, toInputFile(call.media), { ...markup, caption: call.caption });
        return;
    }
  }
}

function toInputMedia(item: OutboundAlbumItem, caption: string | undefined) {
  const options = caption === undefined ? {} : { caption };
  return item.kind === 'photo' ? InputMediaBuilder.photo(toInputFile(item.media), options) : InputMediaBuilder.video(toInputFile(item.media), options);
}

function toInputFile(media: MediaSource): InputFile | string {
  if (media.kind === 'platform') return media.fileId;
  return media.kind === 'file' ? new InputFile(media.path, media.fileName) : new InputFile(media.data, media.fileName);
}

function toSendError(err: unknown, what: string): Error {
  if (err instanceof GrammyError) {
    // 403: the person blocked the bot or deleted their account; 400 "chat not found": no such chat for this bot.
    const unreachable = err.error_code === 403 || /chat not found/i.test(err.description);
    return new TelegramSendError(`${what} failed: ${err.description}`, err.error_code, unreachable, {
      cause: err,
      retryAfterSeconds: err.parameters.retry_after,
    });
  }
  if (err instanceof HttpError) {
    return new TelegramSendError(`${what} failed: ${err.message}`, undefined, false, { cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}
