/**
 * A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests: point grammY at it with
 * `client.apiRoot` (TelegramChannel's `apiRoot`) and drive it like a person would.
 *
 *   const telegram = await FakeTelegram.start();
 *   const channel = new TelegramChannel({ token: telegram.token, apiRoot: telegram.apiRoot });
 *   telegram.userSays(alice, '/start ABC123');
 *   const reply = await telegram.nextSent(alice.id, (m) => m.text?.includes('Welcome') ?? false);
 *
 * It speaks HTTP like the real server (JSON and multipart requests, real long polling of getUpdates,
 * 429/500 error shapes), so retries, uploads and polling are exercised for real, not mocked.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';

export const FAKE_BOT_TOKEN = '7000001:fake-telegram-test-token';

export interface FakeUser {
  readonly id: number;
  readonly firstName: string;
  readonly lastName?: string;
  readonly username?: string;
  readonly languageCode?: string;
}

export interface InlineButton {
  readonly text: string;
  readonly callback_data?: string;
}

/** A file the bot sent: uploaded bytes (multipart) or a file_id / URL Telegram already knows. */
export type SentFile =
  | { readonly kind: 'upload'; readonly fileName: string; readonly sizeBytes: number; readonly data: Uint8Array }
  | { readonly kind: 'reference'; readonly fileId: string };

export interface SentMessage {
  readonly method: string;
  readonly chatId: string;
  readonly messageId: number;
  readonly text?: string;
  readonly caption?: string;
  readonly replyMarkup?: { readonly inline_keyboard?: ReadonlyArray<ReadonlyArray<InlineButton>> };
  readonly file?: SentFile;
  /** Items of one sendMediaGroup share this id, as Telegram's album messages share a media_group_id. */
  readonly mediaGroupId?: string;
  /** photo or video, for items of an album. */
  readonly mediaType?: string;
}

/** Every API request the fake received, including the ones it failed on purpose. */
export interface ApiCall {
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly status: number;
  /** When the request arrived (machine time, ms). */
  readonly at: number;
}

export type InjectedFailure = { readonly errorCode: 429; readonly retryAfter: number } | { readonly errorCode: number; readonly description?: string };

export interface WebhookDelivery {
  readonly status: number;
  readonly body: string;
}

interface StoredFile {
  readonly fileId: string;
  readonly data: Uint8Array;
}

interface PendingPoll {
  readonly wake: () => void;
}

const BOT_USERNAME = 'kinbridge_test_bot';
const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;

class ApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

/** A predicate for `waitForSent`/`nextSent`: the message's text contains `fragment`. */
export const hasText =
  (fragment: string) =>
  (message: SentMessage): boolean =>
    (message.text ?? '').includes(fragment);

export class FakeTelegram {
  readonly token: string;
  private readonly updates: Update[] = [];
  private readonly polls = new Set<PendingPoll>();
  private readonly sentMessages: SentMessage[] = [];
  private readonly sentListeners = new Set<(message: SentMessage) => void>();
  private readonly apiCalls: ApiCall[] = [];
  /** Per method, storms in the order they were planned: a second failNext queues behind the first. */
  private readonly failures = new Map<string, { failure: InjectedFailure; remaining: number }[]>();
  private readonly files = new Map<string, StoredFile>();
  private readonly users = new Map<number, FakeUser>();
  private readonly blockedChats = new Set<string>();
  private webhook: { url: string; secretToken?: string } | undefined;
  private webhookQueue: Promise<void> = Promise.resolve();
  private nextUpdateId = 1;
  private nextMessageId = 1;
  private nextFileId = 1;
  /** callback_query ids the bot answered, in order. */
  readonly answeredCallbackQueries: string[] = [];
  /** Results of updates pushed to the registered webhook (after setWebhook), in order. */
  readonly webhookDeliveries: WebhookDelivery[] = [];
  /**
   * Command menus the bot set with setMyCommands, by scope and language as Telegram keeps them: "default",
   * "default:zh" (for apps in Chinese), "chat:<id>" (one chat's own menu).
   */
  readonly commandMenus = new Map<string, { command: string; description: string }[]>();

  private constructor(
    private readonly server: Server,
    token: string,
  ) {
    this.token = token;
  }

  static async start(options: { token?: string } = {}): Promise<FakeTelegram> {
    const server = createServer();
    const fake = new FakeTelegram(server, options.token ?? FAKE_BOT_TOKEN);
    server.on('request', (req, res) => void fake.route(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** Pass as `apiRoot` (grammY `client.apiRoot`). */
  get apiRoot(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  // ---- what people do -------------------------------------------------------------------------

  userSays(user: FakeUser, text: string): Update {
    const command = /^\/\S+/.exec(text);
    return this.enqueue({
      message: {
        ...this.messageFrom(user),
        text,
        ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
      },
    });
  }

  /** Taps a button; the update carries the latest bot message in that chat showing that button, as Telegram's does. */
  userTapsButton(user: FakeUser, callbackData: string): Update {
    this.users.set(user.id, user);
    const shown = [...this.sentMessages]
      .reverse()
      .find((m) => m.chatId === String(user.id) && buttonsOf(m).some((b) => b.callback_data === callbackData));
    return this.enqueue({
      callback_query: {
        id: `cbq-${this.nextUpdateId}`,
        from: userObject(user),
        chat_instance: `ci-${user.id}`,
        data: callbackData,
        message: {
          message_id: shown?.messageId ?? 0,
          date: now(),
          chat: privateChat(user),
          from: this.botUser(),
          text: shown?.text ?? shown?.caption ?? '',
          ...(shown?.replyMarkup ? { reply_markup: shown.replyMarkup } : {}),
        },
      },
    } as Omit<Update, 'update_id'>);
  }

  /** Taps the button labelled `label` under `message`; a missing button fails the test with its label. */
  userTapsLabel(user: FakeUser, message: SentMessage, label: string): void {
    const button = buttonsOf(message).find((b) => b.text === label);
    if (!button?.callback_data) throw new Error(`No button "${label}" under: ${message.text ?? message.caption ?? '(no text)'}`);
    this.userTapsButton(user, button.callback_data);
  }

  /**
   * One step of a conversation: waits for the bot's message to `user` containing `waitFor`, then taps `label` or
   * writes `text` in reply. Returns the bot's message.
   */
  async userAnswers(user: FakeUser, waitFor: string, reply: { label: string } | { text: string }): Promise<SentMessage> {
    const question = await this.waitForSent(user.id, hasText(waitFor));
    if ('label' in reply) this.userTapsLabel(user, question, reply.label);
    else this.userSays(user, reply.text);
    return question;
  }

  /** Sends a photo as Telegram delivers it: three sizes, smallest first; `bytes` become the largest size's file. */
  userSendsPhoto(user: FakeUser, options: { caption?: string; bytes?: Uint8Array; mediaGroupId?: string } = {}): Update {
    const id = this.nextFileId++;
    const bytes = options.bytes ?? new Uint8Array(2048).fill(7);
    const sizes = [90, 320, 1280].map((side, index) => {
      const fileId = `photo-${id}-${side}`;
      const sizeBytes = index === 2 ? bytes.length : Math.ceil((bytes.length * side) / 1280);
      this.files.set(fileId, { fileId, data: index === 2 ? bytes : bytes.subarray(0, sizeBytes) });
      return { file_id: fileId, file_unique_id: `u${fileId}`, width: side, height: side, file_size: sizeBytes };
    });
    return this.enqueue({
      message: {
        ...this.messageFrom(user),
        photo: sizes,
        ...(options.caption !== undefined ? { caption: options.caption } : {}),
        ...(options.mediaGroupId !== undefined ? { media_group_id: options.mediaGroupId } : {}),
      },
    });
  }

  /** A video; `declaredSize` is the file_size Telegram reports (defaults to the real size). */
  userSendsVideo(user: FakeUser, options: { caption?: string; bytes?: Uint8Array; declaredSize?: number; mimeType?: string; mediaGroupId?: string } = {}): Update {
    const fileId = `video-${this.nextFileId++}`;
    const bytes = options.bytes ?? new Uint8Array(4096).fill(5);
    this.files.set(fileId, { fileId, data: bytes });
    return this.enqueue({
      message: {
        ...this.messageFrom(user),
        video: {
          file_id: fileId,
          file_unique_id: `u${fileId}`,
          width: 640,
          height: 360,
          duration: 5,
          mime_type: options.mimeType ?? 'video/mp4',
          file_size: options.declaredSize ?? bytes.length,
        },
        ...(options.caption !== undefined ? { caption: options.caption } : {}),
        ...(options.mediaGroupId !== undefined ? { media_group_id: options.mediaGroupId } : {}),
      },
    } as Omit<Update, 'update_id'>);
  }

  /** Several photos (and videos) sent at once: one update each, sharing a media_group_id; the caption rides on the first. */
  userSendsAlbum(user: FakeUser, items: readonly { kind: 'photo' | 'video'; bytes: Uint8Array }[], caption?: string): Update[] {
    const mediaGroupId = `album-${this.nextFileId++}`;
    return items.map((item, index) => {
      const withCaption = index === 0 && caption !== undefined ? { caption } : {};
      return item.kind === 'photo'
        ? this.userSendsPhoto(user, { bytes: item.bytes, mediaGroupId, ...withCaption })
        : this.userSendsVideo(user, { bytes: item.bytes, mediaGroupId, ...withCaption });
    });
  }

  userSendsSticker(user: FakeUser, emoji: string): Update {
    const fileId = `sticker-${this.nextFileId++}`;
    return this.enqueue({
      message: {
        ...this.messageFrom(user),
        sticker: { file_id: fileId, file_unique_id: `u${fileId}`, type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji },
      },
    });
  }

  userSendsVoice(user: FakeUser, options: { durationSeconds?: number; bytes?: Uint8Array; mimeType?: string } = {}): Update {
    const fileId = `voice-${this.nextFileId++}`;
    const bytes = options.bytes ?? new Uint8Array(4096).fill(3);
    this.files.set(fileId, { fileId, data: bytes });
    return this.enqueue({
      message: {
        ...this.messageFrom(user),
        voice: {
          file_id: fileId,
          file_unique_id: `u${fileId}`,
          duration: options.durationSeconds ?? 3,
          mime_type: options.mimeType ?? 'audio/ogg',
          file_size: bytes.length,
        },
      },
    });
  }

  userSendsLocation(user: FakeUser, latitude: number, longitude: number): Update {
    return this.enqueue({ message: { ...this.messageFrom(user), location: { latitude, longitude } } });
  }

  /** Queues any update as given (update_id added when missing): stickers, group messages, malformed shapes… */
  userSendsRaw(update: Record<string, unknown>): Update {
    return this.enqueue(update as Omit<Update, 'update_id'>);
  }

  // ---- what the bot did -----------------------------------------------------------------------

  /** Messages the bot sent, oldest first, optionally only to one chat. */
  sent(chatId?: string | number): SentMessage[] {
    return this.sentMessages.filter((m) => chatId === undefined || m.chatId === String(chatId));
  }

  /** Ids of the updates the bot has not confirmed yet (by asking getUpdates for a higher offset), oldest first. */
  unconfirmedUpdateIds(): number[] {
    return this.updates.map((update) => update.update_id);
  }

  calls(method?: string): ApiCall[] {
    return this.apiCalls.filter((call) => method === undefined || call.method === method);
  }

  /** First message to `chatId` matching `predicate`, already sent or arriving within `timeoutMs`. */
  waitForSent(chatId: string | number, predicate: (m: SentMessage) => boolean = () => true, timeoutMs = 5000): Promise<SentMessage> {
    const already = this.sent(chatId).find(predicate);
    return already ? Promise.resolve(already) : this.awaitSent(chatId, predicate, timeoutMs);
  }

  /** Like `waitForSent`, but only messages sent after this call: use it after each step of a conversation. */
  nextSent(chatId: string | number, predicate: (m: SentMessage) => boolean = () => true, timeoutMs = 5000): Promise<SentMessage> {
    return this.awaitSent(chatId, predicate, timeoutMs);
  }

  /** What setWebhook registered, if a webhook is active. */
  webhookInfo(): { url: string; secretToken?: string } | undefined {
    return this.webhook;
  }

  // ---- steering the fake ----------------------------------------------------------------------

  /** Calls `listener` with every message as it arrives (benchmarks stamp arrival times); returns how to stop. */
  onSent(listener: (message: SentMessage) => void): () => void {
    this.sentListeners.add(listener);
    return () => this.sentListeners.delete(listener);
  }

  /** The next `times` calls of `method` fail, e.g. `{ errorCode: 429, retryAfter: 1 }` or `{ errorCode: 500 }`. */
  failNext(method: string, failure: InjectedFailure, times = 1): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), { failure, remaining: times }]);
  }

  /** Sends to this chat fail with 403 as when the person blocked the bot. */
  blockChat(chatId: string | number): void {
    this.blockedChats.add(String(chatId));
  }

  /** Bytes of a file people sent or the bot uploaded, by file_id. */
  fileBytes(fileId: string): Uint8Array | undefined {
    return this.files.get(fileId)?.data;
  }

  /** POSTs an update to a webhook endpoint the way Telegram does; `secret` goes in X-Telegram-Bot-Api-Secret-Token. */
  async deliverToWebhook(url: string, update: Record<string, unknown>, secret?: string): Promise<WebhookDelivery> {
    const full = 'update_id' in update ? update : { update_id: this.nextUpdateId++, ...update };
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body: JSON.stringify(full),
    });
    return { status: response.status, body: await response.text() };
  }

  async close(): Promise<void> {
    for (const poll of this.polls) poll.wake();
    await this.webhookQueue;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) return this.serveFile(res, file[1]!, decodeURIComponent(file[2]!));
    const api = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!api) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const method = api[2]!;
    let params: Record<string, unknown> = Object.fromEntries(url.searchParams);
    let status = 200;
    try {
      params = { ...params, ...(await readParams(req)) };
      if (api[1] !== this.token) throw new ApiError(401, 'Unauthorized');
      this.injectedFailure(method);
      const result = await this.call(method, params, res);
      reply(res, 200, { ok: true, result });
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError(400, `Bad Request: ${String(err)}`);
      status = error.errorCode;
      reply(res, status, {
        ok: false,
        error_code: error.errorCode,
        description: error.description,
        ...(error.parameters ? { parameters: error.parameters } : {}),
      });
    }
    this.apiCalls.push({ method, params, status, at: Date.now() });
  }

  private injectedFailure(method: string): void {
    const planned = this.failures.get(method)?.find((storm) => storm.remaining > 0);
    if (!planned) return;
    planned.remaining -= 1;
    const { failure } = planned;
    if ('retryAfter' in failure) {
      throw new ApiError(429, `Too Many Requests: retry after ${failure.retryAfter}`, { retry_after: failure.retryAfter });
    }
    throw new ApiError(failure.errorCode, failure.description ?? (failure.errorCode >= 500 ? 'Internal Server Error' : 'Bad Request'));
  }

  private async call(method: string, params: Record<string, unknown>, res: ServerResponse): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return this.botUser();
      case 'getUpdates':
        return this.getUpdates(params, res);
      case 'sendMessage':
        return this.recordSend(method, params, { text: requiredText(params.text, MAX_TEXT, 'message') });
      case 'sendMediaGroup':
        return this.recordMediaGroup(params);
      case 'sendPhoto':
      case 'sendVideo':
      case 'sendVoice': {
        const field = method === 'sendPhoto' ? 'photo' : method === 'sendVideo' ? 'video' : 'voice';
        const caption = optionalCaption(params.caption);
        return this.recordSend(method, params, { caption, file: this.receiveFile(params, field) });
      }
      case 'answerCallbackQuery':
        if (typeof params.callback_query_id !== 'string') throw new ApiError(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
        this.answeredCallbackQueries.push(params.callback_query_id);
        return true;
      case 'setWebhook': {
        const url = String(params.url ?? '');
        this.webhook = url ? { url, ...(params.secret_token ? { secretToken: String(params.secret_token) } : {}) } : undefined;
        if (this.webhook) this.flushToWebhook();
        return true;
      }
      case 'deleteWebhook':
        this.webhook = undefined;
        if (params.drop_pending_updates === true || params.drop_pending_updates === 'true') this.updates.length = 0;
        return true;
      case 'getWebhookInfo':
        return { url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.updates.length };
      case 'getFile': {
        const stored = this.files.get(String(params.file_id));
        if (!stored) throw new ApiError(400, 'Bad Request: invalid file_id');
        return { file_id: stored.fileId, file_unique_id: `u${stored.fileId}`, file_size: stored.data.length, file_path: `files/${stored.fileId}` };
      }
      case 'setMyCommands': {
        const scope = (params.scope ?? { type: 'default' }) as { type: string; chat_id?: unknown };
        const key = scope.type === 'chat' ? `chat:${String(scope.chat_id)}` : params.language_code ? `${scope.type}:${String(params.language_code)}` : scope.type;
        this.commandMenus.set(key, Array.isArray(params.commands) ? params.commands : []);
        return true;
      }
      default:
        throw new ApiError(404, 'Not Found: method not found');
    }
  }

  /** Real long polling: confirms updates below `offset`, then holds the request until one is queued or `timeout` passes. */
  private async getUpdates(params: Record<string, unknown>, res: ServerResponse): Promise<Update[]> {
    if (this.webhook) {
      throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    const offset = Number(params.offset ?? 0);
    const limit = Math.min(Math.max(Number(params.limit ?? 100) || 100, 1), 100);
    const timeoutSeconds = Number(params.timeout ?? 0);
    if (offset > 0) this.confirmBelow(offset);
    if (this.updates.length === 0 && timeoutSeconds > 0) {
      await new Promise<void>((resolve) => {
        const poll: PendingPoll = { wake: () => done() };
        const timer = setTimeout(() => done(), timeoutSeconds * 1000);
        const done = (): void => {
          clearTimeout(timer);
          this.polls.delete(poll);
          res.off('close', done);
          resolve();
        };
        this.polls.add(poll);
        res.on('close', done); // client aborted (bot.stop)
      });
    }
    return this.updates.slice(0, limit);
  }

  private confirmBelow(offset: number): void {
    while (this.updates.length > 0 && this.updates[0]!.update_id < offset) this.updates.shift();
  }

  private serveFile(res: ServerResponse, token: string, filePath: string): void {
    const stored = this.files.get(filePath.replace(/^files\//, ''));
    if (token !== this.token || !stored) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': stored.data.length }).end(stored.data);
  }

  // ---- bookkeeping ----------------------------------------------------------------------------

  private enqueue(partial: Omit<Update, 'update_id'> | Update): Update {
    const update = { update_id: this.nextUpdateId++, ...partial } as Update;
    this.nextUpdateId = Math.max(this.nextUpdateId, update.update_id + 1);
    this.updates.push(update);
    for (const poll of this.polls) poll.wake();
    if (this.webhook) this.flushToWebhook();
    return update;
  }

  /** Telegram pushes queued updates to an active webhook one at a time, in order. */
  private flushToWebhook(): void {
    this.webhookQueue = this.webhookQueue.then(async () => {
      while (this.webhook && this.updates.length > 0) {
        const update = this.updates.shift()!;
        const { url, secretToken } = this.webhook;
        try {
          this.webhookDeliveries.push(await this.deliverToWebhook(url, update as unknown as Record<string, unknown>, secretToken));
        } catch (err) {
          this.webhookDeliveries.push({ status: 0, body: String(err) });
        }
      }
    });
  }

  /** An album: 2-10 photos or videos, each becoming its own message with a shared media_group_id. */
  private recordMediaGroup(params: Record<string, unknown>): unknown[] {
    const items = params.media;
    if (!Array.isArray(items) || items.length < 2 || items.length > 10) throw new ApiError(400, 'Bad Request: wrong number of media in the album');
    const mediaGroupId = `group-${this.nextMessageId}`;
    return items.map((raw) => {
      const item = raw as { type?: string; media?: unknown; caption?: string };
      if (item.type !== 'photo' && item.type !== 'video') throw new ApiError(400, `Bad Request: unsupported album item type "${String(item.type)}"`);
      const file = this.receiveFile({ ...params, [item.type]: item.media }, item.type);
      return this.recordSend('sendMediaGroup', params, { caption: optionalCaption(item.caption), file, mediaGroupId, mediaType: item.type });
    });
  }

  private recordSend(
    method: string,
    params: Record<string, unknown>,
    content: { text?: string; caption?: string; file?: SentFile; mediaGroupId?: string; mediaType?: string },
  ): unknown {
    const chatId = params.chat_id === undefined ? '' : String(params.chat_id);
    if (!chatId) throw new ApiError(400, 'Bad Request: chat_id is empty');
    if (this.blockedChats.has(chatId)) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
    const replyMarkup = method === 'sendMediaGroup' ? undefined : (params.reply_markup as SentMessage['replyMarkup'] | undefined);
    for (const button of replyMarkup?.inline_keyboard?.flat() ?? []) {
      const data = button.callback_data ?? '';
      if (!button.text || Buffer.byteLength(data) < 1 || Buffer.byteLength(data) > 64) throw new ApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
    }
    const message: SentMessage = {
      method,
      chatId,
      messageId: this.nextMessageId++,
      ...(content.text !== undefined ? { text: content.text } : {}),
      ...(content.caption !== undefined ? { caption: content.caption } : {}),
      ...(replyMarkup ? { replyMarkup } : {}),
      ...(content.file ? { file: content.file } : {}),
      ...(content.mediaGroupId ? { mediaGroupId: content.mediaGroupId, mediaType: content.mediaType } : {}),
    };
    this.sentMessages.push(message);
    for (const listener of this.sentListeners) listener(message);
    const user = this.users.get(Number(chatId));
    return {
      message_id: message.messageId,
      date: now(),
      from: this.botUser(),
      chat: user ? privateChat(user) : { id: Number(chatId), type: 'private', first_name: 'Someone' },
      ...(message.text !== undefined ? { text: message.text } : {}),
      ...(message.caption !== undefined ? { caption: message.caption } : {}),
      ...(replyMarkup ? { reply_markup: replyMarkup } : {}),
      ...(method === 'sendPhoto' && message.file ? { photo: [this.fileObject(message.file)] } : {}),
      ...(method === 'sendVoice' && message.file ? { voice: { ...this.fileObject(message.file), duration: 1 } } : {}),
    };
  }

  /** An upload arrives as `attach://<part>` (grammY) or as the file part named like the field itself. */
  private receiveFile(params: Record<string, unknown>, field: string): SentFile {
    const value = params[field];
    const attached = typeof value === 'string' && value.startsWith('attach://') ? params[value.slice('attach://'.length)] : value;
    if (attached instanceof UploadedPart) {
      const fileId = `upload-${this.nextFileId++}`;
      this.files.set(fileId, { fileId, data: attached.data });
      return { kind: 'upload', fileName: attached.fileName, sizeBytes: attached.data.length, data: attached.data };
    }
    if (typeof value === 'string' && value && !value.startsWith('attach://')) return { kind: 'reference', fileId: value };
    throw new ApiError(400, `Bad Request: there is no ${field} in the request`);
  }

  private fileObject(file: SentFile): Record<string, unknown> {
    const fileId = file.kind === 'reference' ? file.fileId : [...this.files.values()].find((f) => f.data === file.data)?.fileId;
    return { file_id: fileId ?? 'unknown', file_unique_id: `u${fileId}`, ...(file.kind === 'upload' ? { file_size: file.sizeBytes } : {}) };
  }

  private awaitSent(chatId: string | number, predicate: (m: SentMessage) => boolean, timeoutMs: number): Promise<SentMessage> {
    return new Promise((resolve, reject) => {
      const listener = (message: SentMessage): void => {
        if (message.chatId !== String(chatId) || !predicate(message)) return;
        clearTimeout(timer);
        this.sentListeners.delete(listener);
        resolve(message);
      };
      const timer = setTimeout(() => {
        this.sentListeners.delete(listener);
        const seen = this.sent(chatId).map((m) => `${m.method}: ${m.text ?? m.caption ?? '(no text)'}`);
        reject(new Error(`No matching message to chat ${chatId} within ${timeoutMs} ms. Sent there: ${JSON.stringify(seen)}`));
      }, timeoutMs);
      this.sentListeners.add(listener);
    });
  }

  private messageFrom(user: FakeUser): { message_id: number; date: number; from: ReturnType<typeof userObject>; chat: ReturnType<typeof privateChat> } {
    this.users.set(user.id, user);
    return { message_id: this.nextMessageId++, date: now(), from: userObject(user), chat: privateChat(user) };
  }

  private botUser() {
    return {
      id: Number(this.token.split(':')[0]),
      is_bot: true as const,
      first_name: 'Kinbridge Test',
      username: BOT_USERNAME,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    };
  }
}

/** A file part of a multipart request. */
class UploadedPart {
  constructor(
    readonly fileName: string,
    readonly data: Uint8Array,
  ) {}
}

function userObject(user: FakeUser) {
  return {
    id: user.id,
    is_bot: false as const,
    first_name: user.firstName,
    ...(user.lastName !== undefined ? { last_name: user.lastName } : {}),
    ...(user.username !== undefined ? { username: user.username } : {}),
    ...(user.languageCode !== undefined ? { language_code: user.languageCode } : {}),
  };
}

function privateChat(user: FakeUser) {
  return {
    id: user.id,
    type: 'private' as const,
    first_name: user.firstName,
    ...(user.lastName !== undefined ? { last_name: user.lastName } : {}),
    ...(user.username !== undefined ? { username: user.username } : {}),
  };
}

function buttonsOf(message: SentMessage): readonly InlineButton[] {
  return message.replyMarkup?.inline_keyboard?.flat() ?? [];
}

function requiredText(value: unknown, max: number, what: string): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : String(value);
  if (!text.trim()) throw new ApiError(400, `Bad Request: ${what} text is empty`);
  if (text.length > max) throw new ApiError(400, `Bad Request: ${what} is too long`);
  return text;
}

function optionalCaption(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const caption = String(value);
  if (caption.length > MAX_CAPTION) throw new ApiError(400, 'Bad Request: message caption is too long');
  return caption;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (body.length === 0) return {};
  if (type.startsWith('application/json')) return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
  if (type.startsWith('multipart/form-data') && boundary) return parseMultipart(body, boundary[1] ?? boundary[2]!);
  if (type.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  throw new ApiError(400, `Bad Request: unsupported content type "${type}"`);
}

/**
 * Minimal multipart/form-data reader. grammY writes part headers without spaces and leaves the filename
 * unquoted (`content-disposition:form-data;name="x";filename=photo.jpg`), so both forms are accepted.
 * Text fields holding JSON (reply_markup, commands…) are decoded the way Telegram does.
 */
function parseMultipart(body: Buffer, boundary: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const opening = body.indexOf(`--${boundary}`);
  if (opening < 0) return fields;
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // After each delimiter comes either CRLF and a part, or "--" closing the body.
  let position = opening + boundary.length + 2;
  while (body.subarray(position, position + 2).toString() === '\r\n') {
    const end = body.indexOf(delimiter, position);
    if (end < 0) break;
    const part = body.subarray(position + 2, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const content = part.subarray(headerEnd + 4);
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    const fileName = /filename="?([^";\r\n]*)"?/i.exec(headers)?.[1];
    if (name !== undefined) {
      fields[name] = fileName !== undefined ? new UploadedPart(fileName, new Uint8Array(content)) : decodeField(content.toString('utf8'));
    }
    position = end + delimiter.length;
  }
  return fields;
}

function decodeField(value: string): unknown {
  if (/^[[{]/.test(value)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}
