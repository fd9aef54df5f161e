/**
 * A fake WhatsApp Business Cloud API on 127.0.0.1, written from Meta's public documentation: the Graph API the bot
 * calls (POST /{phone-number-id}/messages, POST /{phone-number-id}/media, GET /{media-id} and the download URL, all
 * with the bearer token) and the webhook it calls back (signed with X-Hub-Signature-256, messages and statuses).
 *
 *   const whatsapp = await FakeWhatsApp.start({ clock });
 *   const channel = new WhatsAppChannel({ ...whatsapp.credentials, apiRoot: whatsapp.apiRoot, memory, listen: { port: 0 } });
 *   whatsapp.webhookUrl = `http://127.0.0.1:${channel.webhookAddress()!.port}/whatsapp`;
 *   await whatsapp.userSays(maria, '/start 123');
 *
 * It keeps WhatsApp's rules: free-form messages reach a person only within 24 hours of their last message (on the
 * test's clock); later, only templates. Like the real service it accepts such a message and then reports it
 * `failed` with error 131047 in a status webhook. Every accepted message gets `sent` and `delivered` statuses.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../src/core/clock.js';
import { signatureOf } from '../../src/channels/whatsapp/webhook-signature.js';

export interface WhatsAppUser {
  /** The phone number as WhatsApp writes it: country code and number, digits only. */
  readonly waId: string;
  readonly name: string;
}

/** One message the bot sent and WhatsApp accepted, as the person's phone would show it. */
export interface SentWhatsApp {
  readonly id: string;
  readonly to: string;
  readonly type: string;
  readonly text?: string;
  /** Reply buttons or list rows, by title; `id` is what a tap sends back. */
  readonly options?: readonly { readonly id: string; readonly title: string }[];
  readonly interactive?: 'button' | 'list';
  readonly mediaId?: string;
  readonly caption?: string;
  readonly template?: { readonly name: string; readonly language: string; readonly parameters: readonly string[] };
}

export interface GraphFailure {
  readonly httpStatus: number;
  readonly code: number;
  readonly message: string;
}

export const RATE_LIMITED: GraphFailure = { httpStatus: 429, code: 130429, message: 'Rate limit hit' };

const WINDOW_MS = 24 * 3600_000;
const VERSION = 'v21.0';

class GraphApiError extends Error {
  constructor(readonly failure: GraphFailure) {
    super(failure.message);
  }
}

export class FakeWhatsApp {
  readonly credentials = {
    accessToken: 'fake-whatsapp-access-token',
    phoneNumberId: '109876543210',
    appSecret: 'fake-whatsapp-app-secret',
    verifyToken: 'fake-whatsapp-verify-token-0123456789',
  };
  /** Where the bot's webhook listens; set once the channel has started. */
  webhookUrl: string | undefined;
  /** Every message the bot sent that WhatsApp accepted, in order (templates included). */
  readonly sent: SentWhatsApp[] = [];
  /** Messages accepted but then failed because the person's window had closed (reported with 131047). */
  readonly refusedOutsideWindow: SentWhatsApp[] = [];
  /** Ids of the files the bot uploaded, in order. */
  readonly uploadedIds: string[] = [];
  /** Every file WhatsApp holds (uploaded by the bot or sent by people), by media id. */
  readonly files = new Map<string, { readonly data: Buffer; readonly mimeType: string }>();
  /** Every call to /messages, including the ones failed on purpose. */
  messageCalls = 0;
  private readonly lastMessageAt = new Map<string, number>();
  private readonly failures: { failure: GraphFailure; remaining: number }[] = [];
  private readonly listeners = new Set<() => void>();
  private webhookQueue: Promise<unknown> = Promise.resolve();
  private nextId = 1;

  private constructor(
    private readonly server: Server,
    private readonly clock: Clock,
  ) {}

  static async start(options: { clock: Clock }): Promise<FakeWhatsApp> {
    const server = createServer();
    const fake = new FakeWhatsApp(server, options.clock);
    server.on('request', (req, res) => void fake.route(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The Graph API root with its version, as WHATSAPP_API_ROOT. */
  get apiRoot(): string {
    return `${this.origin}/${VERSION}`;
  }

  async close(): Promise<void> {
    await this.webhookQueue.catch(() => undefined);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- what people do -------------------------------------------------------------------------

  /** The person writes; answers the HTTP status the bot's webhook gave. */
  userSays(user: WhatsAppUser, text: string, messageId?: string): Promise<number> {
    return this.userSends(user, { type: 'text', text: { body: text } }, messageId);
  }

  /** Taps the reply button or list row titled `title` under `message`. */
  userTaps(user: WhatsAppUser, message: SentWhatsApp, title: string): Promise<number> {
    const option = message.options?.find((candidate) => candidate.title === title || candidate.title === `${title.slice(0, 23)}…`);
    if (!option) throw new Error(`No option "${title}" under: ${message.text ?? '(no text)'}; options: ${JSON.stringify(message.options)}`);
    const reply = message.interactive === 'list' ? { type: 'list_reply', list_reply: option } : { type: 'button_reply', button_reply: option };
    return this.userSends(user, { type: 'interactive', interactive: reply, context: { from: this.credentials.phoneNumberId, id: message.id } });
  }

  /** Waits for the bot's message containing `waitFor`, then taps `label` or writes `text`. */
  async userAnswers(user: WhatsAppUser, waitFor: string, reply: { label: string } | { text: string }): Promise<SentWhatsApp> {
    const question = await this.waitForSent(user, (message) => (message.text ?? '').includes(waitFor));
    if ('label' in reply) await this.userTaps(user, question, reply.label);
    else await this.userSays(user, reply.text);
    return question;
  }

  /** A photo from the phone's gallery: WhatsApp stores it and the webhook names its media id. */
  userSendsPhoto(user: WhatsAppUser, bytes: Uint8Array, caption?: string): Promise<number> {
    const id = this.store(Buffer.from(bytes), 'image/jpeg');
    return this.userSends(user, { type: 'image', image: { id, mime_type: 'image/jpeg', sha256: 'fake', ...(caption ? { caption } : {}) } });
  }

  /** A voice note (OGG/Opus), as WhatsApp marks one. */
  userSendsVoice(user: WhatsAppUser, bytes: Uint8Array): Promise<number> {
    const id = this.store(Buffer.from(bytes), 'audio/ogg; codecs=opus');
    return this.userSends(user, { type: 'audio', audio: { id, mime_type: 'audio/ogg; codecs=opus', voice: true } });
  }

  userReacts(user: WhatsAppUser, message: SentWhatsApp, emoji: string): Promise<number> {
    return this.userSends(user, { type: 'reaction', reaction: { message_id: message.id, emoji } });
  }

  /** A message of any type as the webhook carries it; the same `messageId` twice is a redelivery. */
  async userSends(user: WhatsAppUser, message: Record<string, unknown>, messageId = `wamid.in-${randomUUID()}`): Promise<number> {
    this.lastMessageAt.set(user.waId, this.clock.now().getTime());
    const value = {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550001111', phone_number_id: this.credentials.phoneNumberId },
      contacts: [{ profile: { name: user.name }, wa_id: user.waId }],
      messages: [{ from: user.waId, id: messageId, timestamp: String(Math.floor(this.clock.now().getTime() / 1000)), ...message }],
    };
    return (await this.postWebhook(this.payload(value))).status;
  }

  // ---- the webhook ----------------------------------------------------------------------------

  /** A webhook body as Meta sends it, around one `messages` change value. */
  payload(value: object): string {
    return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'WABA-1', changes: [{ field: 'messages', value }] }] });
  }

  /** POSTs `body` to the bot's webhook, signed with the app secret unless another signature is given. */
  postWebhook(body: string, signature: string = signatureOf(body, this.credentials.appSecret)): Promise<{ status: number }> {
    const post = this.webhookQueue.then(async () => {
      if (!this.webhookUrl) throw new Error('FakeWhatsApp.webhookUrl is not set');
      const response = await fetch(this.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
      await response.arrayBuffer();
      return { status: response.status };
    });
    this.webhookQueue = post.catch(() => undefined);
    return post;
  }

  // ---- what the bot sent ----------------------------------------------------------------------

  sentTo(user: WhatsAppUser): SentWhatsApp[] {
    return this.sent.filter((message) => message.to === user.waId);
  }

  async waitForSent(user: WhatsAppUser, predicate: (message: SentWhatsApp) => boolean = () => true, options: { from?: number; timeoutMs?: number } = {}): Promise<SentWhatsApp> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const found = this.sentTo(user).slice(options.from ?? 0).find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`Nothing matching was sent to ${user.name}; sent so far: ${JSON.stringify(this.sentTo(user).map((m) => m.text ?? m.template?.name ?? m.type))}`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.listeners.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, 50);
        this.listeners.add(wake);
      });
    }
  }

  /** Like `waitForSent`, but only what is sent after this call. */
  nextSent(user: WhatsAppUser, predicate: (message: SentWhatsApp) => boolean = () => true): Promise<SentWhatsApp> {
    return this.waitForSent(user, predicate, { from: this.sentTo(user).length });
  }

  // ---- steering -------------------------------------------------------------------------------

  /** The next `times` calls to /messages fail with `failure` (e.g. a storm of 130429 rate limits). */
  failNext(failure: GraphFailure, times = 1): void {
    this.failures.push({ failure, remaining: times });
  }

  /** WhatsApp's own record of the person's last message, e.g. to make its window older than the bot believes. */
  setLastMessageAt(user: WhatsAppUser, at: Date): void {
    this.lastMessageAt.set(user.waId, at.getTime());
  }

  // ---- the Graph API --------------------------------------------------------------------------

  private get origin(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.headers.authorization !== `Bearer ${this.credentials.accessToken}`) {
        throw new GraphApiError({ httpStatus: 401, code: 190, message: 'Invalid OAuth access token' });
      }
      const path = new URL(req.url ?? '/', this.origin).pathname;
      const messages = `/${VERSION}/${this.credentials.phoneNumberId}/messages`;
      const media = `/${VERSION}/${this.credentials.phoneNumberId}/media`;
      if (req.method === 'POST' && path === messages) return json(res, 200, this.acceptMessage(JSON.parse((await readAll(req)).toString('utf8')) as Record<string, unknown>));
      if (req.method === 'POST' && path === media) return json(res, 200, await this.acceptUpload(req));
      if (req.method === 'GET' && path.startsWith('/download/')) return this.download(path.slice('/download/'.length), res);
      if (req.method === 'GET' && path.startsWith(`/${VERSION}/`)) return json(res, 200, this.mediaInfo(decodeURIComponent(path.slice(VERSION.length + 2))));
      throw new GraphApiError({ httpStatus: 400, code: 100, message: `Unsupported ${req.method} request ${path}` });
    } catch (error) {
      const failure = error instanceof GraphApiError ? error.failure : { httpStatus: 500, code: 1, message: String(error) };
      json(res, failure.httpStatus, { error: { message: failure.message, type: 'OAuthException', code: failure.code, fbtrace_id: 'fake' } });
    }
  }

  private acceptMessage(body: Record<string, unknown>): object {
    this.messageCalls += 1;
    const planned = this.failures[0];
    if (planned) {
      planned.remaining -= 1;
      if (planned.remaining <= 0) this.failures.shift();
      throw new GraphApiError(planned.failure);
    }
    if (body.messaging_product !== 'whatsapp' || typeof body.to !== 'string') throw new GraphApiError({ httpStatus: 400, code: 100, message: 'Invalid parameter' });
    const message = { id: `wamid.out-${this.nextId++}`, ...parseMessage(body) };
    const windowOpen = this.clock.now().getTime() - (this.lastMessageAt.get(message.to) ?? -Infinity) < WINDOW_MS;
    if (message.type === 'template' || windowOpen) {
      this.sent.push(message);
      this.reportStatus(message.id, message.to, 'sent');
      this.reportStatus(message.id, message.to, 'delivered');
      for (const wake of [...this.listeners]) wake();
    } else {
      this.refusedOutsideWindow.push(message);
      this.reportStatus(message.id, message.to, 'failed', { code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' } });
    }
    return { messaging_product: 'whatsapp', contacts: [{ input: message.to, wa_id: message.to }], messages: [{ id: message.id }] };
  }

  private reportStatus(id: string, to: string, status: string, error?: object): void {
    const value = {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550001111', phone_number_id: this.credentials.phoneNumberId },
      statuses: [{ id, status, timestamp: String(Math.floor(this.clock.now().getTime() / 1000)), recipient_id: to, ...(error ? { errors: [error] } : {}) }],
    };
    void this.postWebhook(this.payload(value)).catch(() => undefined);
  }

  private async acceptUpload(req: IncomingMessage): Promise<object> {
    const form = await new Request(`${this.origin}/upload`, { method: 'POST', headers: req.headers as Record<string, string>, body: await readAll(req) }).formData();
    const file = form.get('file');
    if (form.get('messaging_product') !== 'whatsapp' || !(file instanceof Blob)) throw new GraphApiError({ httpStatus: 400, code: 100, message: 'Upload needs messaging_product and file' });
    const id = this.store(Buffer.from(await file.arrayBuffer()), String(form.get('type') ?? file.type));
    this.uploadedIds.push(id);
    return { id };
  }

  private mediaInfo(id: string): object {
    const file = this.files.get(id);
    if (!file) throw new GraphApiError({ httpStatus: 400, code: 100, message: `Unsupported get request. Object with ID '${id}' does not exist` });
    return { messaging_product: 'whatsapp', url: `${this.origin}/download/${id}`, mime_type: file.mimeType, sha256: 'fake', file_size: file.data.length, id };
  }

  private download(id: string, res: ServerResponse): void {
    const file = this.files.get(id);
    if (!file) throw new GraphApiError({ httpStatus: 404, code: 100, message: 'No such media' });
    res.writeHead(200, { 'content-type': file.mimeType, 'content-length': file.data.length }).end(file.data);
  }

  private store(data: Buffer, mimeType: string): string {
    const id = String(9_000_000 + this.nextId++);
    this.files.set(id, { data, mimeType });
    return id;
  }
}

/** What a phone shows of one /messages request; refuses what the documentation says WhatsApp refuses. */
function parseMessage(body: Record<string, unknown>): Omit<SentWhatsApp, 'id'> {
  const to = body.to as string;
  const type = String(body.type ?? 'text');
  // The request's shape is what is being checked, so it is read loosely.
  const part = (body[type] ?? {}) as Record<string, any>;
  const invalid = (message: string) => new GraphApiError({ httpStatus: 400, code: 131009, message: `Parameter value is not valid: ${message}` });
  if (type === 'text') {
    if (typeof part.body !== 'string' || part.body.length > 4096) throw invalid('text.body');
    return { to, type, text: part.body };
  }
  if (type === 'template') {
    if (!part.name || !part.language?.code) throw invalid('template name and language');
    const parameters = ((part.components ?? []) as { type: string; parameters: { text: string }[] }[]).flatMap((component) => component.parameters.map((parameter) => parameter.text));
    if (parameters.some((parameter) => /[\n\t]| {5,}/.test(parameter))) throw new GraphApiError({ httpStatus: 400, code: 132018, message: 'There was an issue with the parameters in your template.' });
    return { to, type, template: { name: part.name, language: part.language.code, parameters } };
  }
  if (type === 'interactive') {
    const text = part.body?.text as string;
    if (!text || text.length > 1024) throw invalid('interactive.body.text');
    if (part.type === 'button') {
      const buttons = (part.action?.buttons ?? []) as { reply: { id: string; title: string } }[];
      if (buttons.length < 1 || buttons.length > 3 || buttons.some((button) => button.reply.title.length > 20)) throw invalid('buttons');
      return { to, type, text, interactive: 'button', options: buttons.map((button) => button.reply) };
    }
    const rows = ((part.action?.sections ?? []) as { rows: { id: string; title: string }[] }[]).flatMap((section) => section.rows);
    if (rows.length < 1 || rows.length > 10 || rows.some((row) => row.title.length > 24) || !part.action?.button || part.action.button.length > 20) throw invalid('list');
    return { to, type, text, interactive: 'list', options: rows.map(({ id, title }) => ({ id, title })) };
  }
  if (type === 'image' || type === 'video' || type === 'audio') {
    if (typeof part.id !== 'string') throw invalid(`${type}.id`);
    if (type === 'audio' && part.caption !== undefined) throw invalid('audio takes no caption');
    return { to, type, mediaId: part.id, ...(part.caption ? { caption: part.caption as string } : {}) };
  }
  throw invalid(`type ${type}`);
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function json(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
