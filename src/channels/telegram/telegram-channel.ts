import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, GrammyError, HttpError, InputFile, InputMediaBuilder, webhookCallback } from 'grammy';
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

/** How long a webhook request waits for the handler before answering 200 anyway, so Telegram does not redeliver. */
const WEBHOOK_HANDLER_TIMEOUT_MS = 50_000;

type WebhookRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** /readyz is asked every few seconds: a Bot API slower than this counts as unreachable. */
const PROBE_TIMEOUT_MS = 5_000;

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
  private polling: Promise<void> | undefined;
  private webhookHandler: WebhookRequestHandler | undefined;
  private webhookServer: Server | undefined;

  constructor(private readonly options: TelegramChannelOptions) {
    this.logger = options.logger ?? consoleLogger;
    const apiRoot = options.apiRoot?.replace(/\/+$/, ''); // grammY throws on a trailing slash
    this.apiRoot = apiRoot ?? 'https://api.telegram.org';
    this.bot = new Bot(options.token, apiRoot ? { client: { apiRoot } } : {});
    this.albums = new AlbumCollector(options.albumQuietMs ?? 1_500, (message) => void this.dispatch(message));
    // No in-process throttler: every message goes through the outbox, which paces the bot across all its processes
    // (a per-second count in Redis) and each chat (one message of a chat at a time, in order, within `limits.perChat`).
    // Network errors are rethrown: auto-retry would otherwise retry them forever and `send` would never settle.
    this.bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 120, rethrowHttpErrors: true }));
    this.bot.use(async (ctx) => {
      const update = ctx.update;
      if (typeof update.callback_query?.id === 'string') {
        // First, so the tapping person's spinner stops even if handling fails or the update is ignored.
        await ctx.answerCallbackQuery().catch((err: unknown) => {
          this.logger.warn({ err, updateId: update.update_id }, 'Could not answer Telegram callback query');
        });
      }
      const result = toInbound(update);
      if (result.kind === 'ignored') {
        this.logger.debug({ updateId: update.update_id, reason: result.reason }, 'Ignored Telegram update');
        return;
      }
      const message = { ...result.message, platformId: String(update.update_id) };
      if (result.albumId) this.albums.add(result.albumId, message);
      else await this.dispatch(message, update.update_id);
    });
    // Long polling stops on an error that escapes middleware unless one is installed here.
    this.bot.catch((botError) => {
      this.logger.error({ err: botError.error, updateId: botError.ctx.update.update_id }, 'Telegram update failed');
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
    this.albums.flushAll();
    if (this.polling) {
      const polling = this.polling;
      this.polling = undefined;
      // bot.stop() also confirms the last update offset so handled updates are not fetched again.
      await this.bot.stop().catch((err: unknown) => this.logger.warn({ err }, 'Stopping Telegram polling failed'));
      await polling; // lets the update being handled finish
    }
    if (this.webhookServer) {
      const server = this.webhookServer;
      this.webhookServer = undefined;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    }
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
      // Only body parsing can fail here: handler errors are caught in the middleware.
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

  private startPolling(): Promise<void> {
    return new Promise((resolve, reject) => {
      let pollingStarted = false;
      this.polling = this.bot
        .start({
          drop_pending_updates: false, // updates sent while the bot was down are still answered
          onStart: () => {
            pollingStarted = true;
            resolve();
          },
        })
        .catch((err: unknown) => {
          this.polling = undefined;
          if (!pollingStarted) reject(err);
          // 401/409 (token revoked, another instance polling) end the loop; nothing here can recover from that.
          else this.logger.error({ err }, 'Telegram long polling stopped');
        });
    });
  }

  private async startWebhook(webhook: TelegramWebhookOptions): Promise<void> {
    this.webhookHandler ??= webhookCallback(this.bot, 'http', {
      secretToken: webhook.secretToken,
      onTimeout: 'return',
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

  private async dispatch(message: InboundMessage, updateId?: number): Promise<void> {
    try {
      await this.onMessage?.(message);
    } catch (err) {
      // One failing message must not stop delivery of the next ones.
      this.logger.error({ err, updateId, chatId: message.chatId }, 'Inbound handler failed');
    }
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
