import type { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { FileBox } from 'file-box';
import type { Redis } from 'ioredis';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { WechatChannel } from '../../src/channels/wechat/wechat-channel.js';
import { SendPacer } from '../../src/messaging/send-pacer.js';

/** What the bot said to one contact: a text, or a file with its bytes. */
export interface Said {
  /** When the puppet carried it (ms since the epoch). */
  readonly at: number;
  readonly text?: string;
  readonly file?: { readonly name: string; readonly mediaType: string; readonly bytes: Buffer };
}

/**
 * WeChat as wechaty-puppet-mock plays it: the bot's own account and people who write to it, with everything the
 * bot says to each person recorded in order (what a phone would show).
 */
export class MockWechat {
  readonly mocker = new mock.Mocker();
  readonly puppet = new PuppetMock({ mocker: this.mocker });
  private readonly account = this.mocker.createContact({ name: 'Kinbridge' });
  private readonly said = new Map<string, Said[]>();
  private readonly waiters = new Set<() => void>();

  get accountId(): string {
    return this.account.id;
  }

  /** The bot's WeChat channel on this mock, paced in milliseconds instead of seconds (pacing has its own tests). */
  channel(redis: Redis): WechatChannel {
    const pacing = { minIntervalMs: 20, jitterMs: 20, dailyCap: 500, timeZone: 'Asia/Shanghai', dayStartsAtHour: 8, maxHoldMs: 2_000 };
    return new WechatChannel({ puppet: this.puppet, pacer: new SendPacer(redis, `test-pacer-${process.pid}-${Date.now()}`, pacing), qrOutput: new PassThrough() });
  }

  /** Someone on WeChat, by display name. */
  person(name: string): mock.ContactMock {
    const contact = this.mocker.createContact({ name });
    this.said.set(contact.id, []);
    // ContactMock is an EventEmitter whose typings do not resolve here.
    (contact as unknown as EventEmitter).on('message', (message: mock.MessageMock) => {
      if (message.talker().id !== this.account.id) return;
      void this.record(contact.id, message);
    });
    return contact;
  }

  login(): void {
    this.mocker.login(this.account);
  }

  /** The account is logged out (WeChat ended the session); the bot must wait and reconnect. */
  async logout(): Promise<void> {
    await this.puppet.logout('kicked out by the test');
  }

  /** A restarted puppet shows its QR code, as wechat4u does. */
  showQrCode(): void {
    this.mocker.scan('https://login.weixin.qq.com/l/test', 2);
  }

  says(person: mock.ContactMock, text: string): void {
    person.say(text).to(this.account);
  }

  sendsPhoto(person: mock.ContactMock, bytes: Uint8Array, name = 'photo.jpg'): void {
    // The mock can only carry boxes that serialise, such as base64 ones.
    person.say(FileBox.fromBase64(Buffer.from(bytes).toString('base64'), name)).to(this.account);
  }

  saidTo(person: mock.ContactMock): readonly Said[] {
    return this.said.get(person.id) ?? [];
  }

  textsTo(person: mock.ContactMock): string[] {
    return this.saidTo(person).flatMap((said) => (said.text === undefined ? [] : [said.text]));
  }

  /** The first thing said to `person` from index `from` on that matches, waiting for it up to `timeoutMs`. */
  async waitForSaid(person: mock.ContactMock, predicate: (said: Said) => boolean, options: { from?: number; timeoutMs?: number } = {}): Promise<Said> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const found = this.saidTo(person).slice(options.from ?? 0).find(predicate);
      if (found) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(`Nothing matching was said to ${person.payload.name}; said so far: ${JSON.stringify(this.textsTo(person))}`);
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, remaining);
        this.waiters.add(wake);
      });
    }
  }

  /** Like `waitForSaid`, but only what is said after this call. */
  nextSaid(person: mock.ContactMock, predicate: (said: Said) => boolean = () => true, timeoutMs?: number): Promise<Said> {
    return this.waitForSaid(person, predicate, { from: this.saidTo(person).length, ...(timeoutMs ? { timeoutMs } : {}) });
  }

  private async record(contactId: string, message: mock.MessageMock): Promise<void> {
    const list = this.said.get(contactId)!;
    const text = message.text();
    const at = message.payload.timestamp;
    if (text !== undefined) list.push({ at, text });
    else {
      // Kept in the order said even though reading the file takes a moment.
      const index = list.push({ at }) - 1;
      const box = await message.toFileBox();
      list[index] = { at, file: { name: box.name, mediaType: box.mediaType, bytes: await box.toBuffer() } };
    }
    for (const wake of [...this.waiters]) wake();
  }
}
