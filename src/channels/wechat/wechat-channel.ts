import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { FileBox, type FileBoxInterface } from 'file-box';
import qrcodeTerminal from 'qrcode-terminal';
import { qrcodeValueToImageUrl, types, WechatyBuilder, type Message, type Wechaty, type WechatyOptions } from 'wechaty';
import { machineTimeMs } from '../../core/clock.js';
import { MediaTooLargeError, MediaUnavailableError, readLimited } from '../../core/media-fetcher.js';
import type { MediaRef, MediaSource, OutboundMessage } from '../../core/messages.js';
import { ChannelSendError } from '../../core/send-error.js';
import type { SendPacer } from '../../messaging/send-pacer.js';
import type { ChannelAdapter, ChannelLogger, InboundHandler } from '../channel-adapter.js';
import { toInbound, type WechatMessageFacts } from './to-inbound.js';
import { planSays, UnsayableMessageError, type WechatSend } from './to-wechat.js';

export const WECHAT_CHANNEL = 'wechat';

/** `offline`: not logged in; `reconnecting`: the puppet is being restarted; `waiting_for_scan`: a QR code is up. */
export type WechatConnectionState = 'starting' | 'waiting_for_scan' | 'online' | 'offline' | 'reconnecting' | 'stopped';

export interface WechatChannelOptions {
  /** 'wechat' by default; 'whatsapp' when the same adapter drives wechaty-puppet-whatsapp. */
  readonly name?: string;
  /** A puppet package name (wechaty-puppet-wechat4u, wechaty-puppet-service, wechaty-puppet-whatsapp…) or instance. */
  readonly puppet: WechatyOptions['puppet'];
  /** E.g. `{ token }` for wechaty-puppet-service. */
  readonly puppetOptions?: Record<string, unknown>;
  /** Where Wechaty keeps the login session (`<session>.memory-card.json`), so a restart needs no new scan. */
  readonly session?: string;
  /** Paces the account (pause with jitter, daily cap); without one it sends as fast as the outbox lets it. */
  readonly pacer?: SendPacer;
  readonly logger?: ChannelLogger;
  /** Where the login QR code is drawn (default stderr; stdout belongs to the console simulator). */
  readonly qrOutput?: NodeJS.WritableStream;
  /** Backoff of puppet restarts after a logout or failure: first delay, doubling up to `maxMs`. */
  readonly reconnect?: { readonly initialMs: number; readonly maxMs: number };
  /** How soon the outbox offers a message again that was refused while logged out (default 30 s). */
  readonly offlineRetryMs?: number;
  readonly onConnectionChange?: (state: WechatConnectionState) => void;
}

const DEFAULT_RECONNECT = { initialMs: 5_000, maxMs: 300_000 };
const DEFAULT_OFFLINE_RETRY_MS = 30_000;
/** Partly sent messages remembered for a resumed retry; a bound so a flood of failures cannot grow memory. */
const MAX_PARTLY_SENT = 1_000;

const silentLogger: ChannelLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * Personal WeChat (or WhatsApp) through Wechaty. Private chats only; a contact's id is both the person's id
 * and the chat. Sending is paced per account and refused (to be retried by the outbox) while logged out.
 */
export class WechatChannel implements ChannelAdapter {
  readonly name: string;
  private readonly logger: ChannelLogger;
  private readonly reconnectDelays: { readonly initialMs: number; readonly maxMs: number };
  private bot: Wechaty | undefined;
  private onMessage: InboundHandler | undefined;
  private state: WechatConnectionState = 'stopped';
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Parts already said of a message whose later part failed: its retry resumes instead of repeating them. */
  private readonly partlySent = new Map<string, number>();

  constructor(private readonly options: WechatChannelOptions) {
    this.name = options.name ?? WECHAT_CHANNEL;
    this.logger = options.logger ?? silentLogger;
    this.reconnectDelays = options.reconnect ?? DEFAULT_RECONNECT;
  }

  get connectionState(): WechatConnectionState {
    return this.state;
  }

  async start(onMessage: InboundHandler): Promise<void> {
    if (this.bot) throw new Error('WechatChannel is already started');
    this.onMessage = onMessage;
    this.bot = this.createBot();
    this.setState('starting');
    try {
      await this.bot.start();
    } catch (err) {
      await this.stop();
      throw new Error(`${this.name}: Wechaty puppet ${describePuppet(this.options.puppet)} did not start: ${String(err)}`, { cause: err });
    }
  }

  async stop(): Promise<void> {
    this.cancelReconnect();
    const bot = this.bot;
    this.bot = undefined;
    this.setState('stopped');
    await bot?.stop().catch((err: unknown) => this.logger.warn({ err, channel: this.name }, 'Stopping Wechaty failed'));
    this.onMessage = undefined;
  }

  async send(chatId: string, message: OutboundMessage): Promise<void> {
    const says = planSays(message);
    const key = `${chatId}\n${JSON.stringify(message)}`;
    for (let index = this.partlySent.get(key) ?? 0; index < says.length; index++) {
      await this.sayPaced(chatId, says[index]!, `${index + 1}/${says.length}`);
      if (index + 1 < says.length) this.rememberPartlySent(key, index + 1);
    }
    this.partlySent.delete(key);
  }

  async downloadMedia(ref: MediaRef, options: { readonly maxBytes: number }): Promise<Uint8Array> {
    const bot = this.loggedInBot();
    if (!bot) throw new MediaUnavailableError(`${this.name} is not logged in, so file ${ref.fileId} cannot be fetched`);
    let box: FileBoxInterface;
    try {
      // The puppet hands a file out by the id of the message that carried it.
      box = await bot.puppet.messageFile(ref.fileId);
    } catch (err) {
      throw new MediaUnavailableError(`${this.name} no longer has the file of message ${ref.fileId}: ${String(err)}`, { cause: err });
    }
    if (box.size > options.maxBytes) throw new MediaTooLargeError(box.size, options.maxBytes);
    const body = Readable.toWeb(await box.toStream()) as ReadableStream<Uint8Array>;
    return readLimited(new Response(body), options.maxBytes);
  }

  private createBot(): Wechaty {
    const bot = WechatyBuilder.build({
      ...(this.options.session ? { name: this.options.session } : {}),
      puppet: this.options.puppet,
      ...(this.options.puppetOptions ? { puppetOptions: this.options.puppetOptions } : {}),
    } as WechatyOptions);
    bot.on('scan', (qrcode, status) => this.onScan(qrcode, status));
    bot.on('login', (user) => {
      this.reconnectAttempt = 0;
      this.cancelReconnect();
      this.setState('online');
      this.logger.info({ channel: this.name, user: user.name() }, 'Logged in');
    });
    bot.on('logout', (user, reason) => {
      this.logger.warn({ channel: this.name, user: user.name(), reason }, 'Logged out; messages wait until the account is back');
      this.setState('offline');
      this.scheduleReconnect();
    });
    bot.on('error', (err) => {
      this.logger.error({ err, channel: this.name }, 'Wechaty error');
      if (!bot.isLoggedIn && this.state !== 'waiting_for_scan') this.scheduleReconnect();
    });
    bot.on('message', (message) => void this.dispatch(message));
    return bot;
  }

  private onScan(qrcode: string, status: types.ScanStatus): void {
    if (status !== types.ScanStatus.Waiting && status !== types.ScanStatus.Timeout) return;
    // The puppet is alive and waits for a person: restarting it now would only replace the code being scanned.
    this.cancelReconnect();
    this.setState('waiting_for_scan');
    const link = qrcodeValueToImageUrl(qrcode);
    // The link logs whoever opens it into the bot account: it goes to the terminal only, never to the logs.
    this.logger.warn({ channel: this.name }, 'Scan the QR code in the terminal with the phone of the bot account to log in');
    const output = this.options.qrOutput ?? process.stderr;
    qrcodeTerminal.generate(qrcode, { small: true }, (drawing) => output.write(`${drawing}\n${link}\n`));
  }

  private scheduleReconnect(): void {
    if (!this.bot || this.reconnectTimer) return;
    const delay = Math.min(this.reconnectDelays.initialMs * 2 ** this.reconnectAttempt, this.reconnectDelays.maxMs);
    this.reconnectAttempt += 1;
    this.reconnectTimer = setTimeout(() => void this.reconnect(), delay);
  }

  /** Restarts the puppet, which then logs in from its saved session or shows a new QR code. */
  private async reconnect(): Promise<void> {
    this.reconnectTimer = undefined;
    const bot = this.bot;
    if (!bot || bot.isLoggedIn) return;
    this.setState('reconnecting');
    this.logger.info({ channel: this.name, attempt: this.reconnectAttempt }, 'Restarting the Wechaty puppet');
    try {
      await bot.stop();
      await bot.start();
    } catch (err) {
      this.logger.error({ err, channel: this.name }, 'Restarting the Wechaty puppet failed');
    }
    if (this.bot === bot && !bot.isLoggedIn && this.state === 'reconnecting') {
      this.setState('offline');
      this.scheduleReconnect();
    }
  }

  private async sayPaced(chatId: string, say: WechatSend, part: string): Promise<void> {
    const bot = this.loggedInBot();
    if (!bot) throw this.offlineError(`Part ${part} to ${chatId} not sent: ${this.name} is not logged in`);
    const account = this.name;
    const reservedAt = machineTimeMs();
    const decision = await this.options.pacer?.reserve(account, chatId, reservedAt);
    if (decision?.kind === 'later') {
      throw new ChannelSendError(`Part ${part} to ${chatId} held back (${decision.reason})`, 'retry_later', decision.retryAfterMs);
    }
    if (decision && decision.waitMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.waitMs));
    try {
      if (say.kind === 'text') await bot.puppet.messageSendText(chatId, say.text);
      else await bot.puppet.messageSendFile(chatId, await this.toFileBox(bot, say.media));
    } catch (err) {
      await this.options.pacer?.release(account, chatId, reservedAt);
      if (err instanceof ChannelSendError) throw err;
      if (!bot.isLoggedIn) throw this.offlineError(`Part ${part} to ${chatId} failed as ${this.name} logged out: ${String(err)}`, err);
      throw new ChannelSendError(`Part ${part} to ${chatId} failed: ${String(err)}`, 'retry_later', undefined, { cause: err });
    }
  }

  /**
   * Files go as base64 boxes: every puppet can carry those (the mock and puppet-service cannot serialise a box
   * read from a path), and outbound media are bounded by the media limits.
   */
  private async toFileBox(bot: Wechaty, media: MediaSource): Promise<FileBoxInterface> {
    if (media.kind === 'bytes') return FileBox.fromBase64(Buffer.from(media.data).toString('base64'), media.fileName);
    if (media.kind === 'file') return FileBox.fromBase64((await readFile(media.path)).toString('base64'), media.fileName);
    try {
      return await bot.puppet.messageFile(media.fileId);
    } catch (err) {
      throw new UnsayableMessageError(`${this.name} no longer has the file of message ${media.fileId}: ${String(err)}`);
    }
  }

  private async dispatch(message: Message): Promise<void> {
    try {
      const result = toInbound(this.name, await factsOf(message));
      if (result.kind === 'ignored') {
        this.logger.debug({ channel: this.name, messageId: message.id, reason: result.reason }, 'Ignored message');
        return;
      }
      await this.onMessage?.([result.message]);
    } catch (err) {
      // One failing message must not stop delivery of the next ones.
      this.logger.error({ err, channel: this.name, messageId: message.id }, 'Inbound handler failed');
    }
  }

  /** Ready while logged in: a logged-out bot waits for a scan or reconnects, and cannot say anything meanwhile. */
  async probe(): Promise<void> {
    if (!this.loggedInBot()) throw new Error(`${this.name} is not logged in (${this.state})`);
  }

  private loggedInBot(): Wechaty | undefined {
    return this.bot?.isLoggedIn ? this.bot : undefined;
  }

  private offlineError(message: string, cause?: unknown): ChannelSendError {
    return new ChannelSendError(message, 'retry_later', this.options.offlineRetryMs ?? DEFAULT_OFFLINE_RETRY_MS, { cause });
  }

  private rememberPartlySent(key: string, parts: number): void {
    if (this.partlySent.size >= MAX_PARTLY_SENT) this.partlySent.delete(this.partlySent.keys().next().value!);
    this.partlySent.set(key, parts);
  }

  private cancelReconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  private setState(state: WechatConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onConnectionChange?.(state);
  }
}

async function factsOf(message: Message): Promise<WechatMessageFacts> {
  const talker = message.talker();
  const type = message.type();
  const location = type === types.Message.Location ? await message.toLocation().catch(() => undefined) : undefined;
  return {
    id: message.id,
    type,
    text: message.text(),
    fromSelf: message.self(),
    inRoom: message.room() !== undefined,
    talker: { id: talker.id, name: talker.name(), type: talker.type() },
    ...(location ? { location: { latitude: location.latitude(), longitude: location.longitude() } } : {}),
  };
}

function describePuppet(puppet: WechatyOptions['puppet']): string {
  return typeof puppet === 'string' ? puppet : (puppet?.constructor.name ?? 'default');
}
