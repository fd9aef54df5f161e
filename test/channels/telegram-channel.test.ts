import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChannelLogger } from '../../src/channels/channel-adapter.js';
import { TelegramChannel, TelegramSendError } from '../../src/channels/telegram/telegram-channel.js';
import { ChoiceIdTooLongError, MAX_TEXT_LENGTH, splitText } from '../../src/channels/telegram/to-telegram.js';
import type { InboundMessage } from '../../src/core/messages.js';
import { FakeTelegram, type FakeUser } from '../support/fake-telegram.js';

const alice: FakeUser = { id: 101, firstName: 'Alice', lastName: 'Zhang', languageCode: 'zh-hans' };
const bob: FakeUser = { id: 202, firstName: 'Bob' };

interface LogEntry {
  level: keyof ChannelLogger;
  fields: object;
  message: string;
}

function recordingLogger(entries: LogEntry[]): ChannelLogger {
  const at = (level: keyof ChannelLogger) => (fields: object, message: string) => void entries.push({ level, fields, message });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('TelegramChannel over long polling', () => {
  let telegram: FakeTelegram;
  let channel: TelegramChannel;
  let received: InboundMessage[];
  let logs: LogEntry[];

  beforeEach(async () => {
    telegram = await FakeTelegram.start();
    received = [];
    logs = [];
    channel = new TelegramChannel({ token: telegram.token, apiRoot: telegram.apiRoot, logger: recordingLogger(logs) });
    await channel.start(async (message) => {
      if (message.content.kind === 'text' && message.content.text === 'explode') throw new Error('handler blew up');
      received.push(message);
    });
  });

  afterEach(async () => {
    await channel.stop();
    await telegram.close();
  });

  it('delivers a private text message with the person’s identity', async () => {
    telegram.userSays(alice, 'hello');
    await vi.waitFor(() => expect(received).toHaveLength(1));
    expect(received[0]).toEqual({
      channel: 'telegram',
      externalId: '101',
      platformId: '1',
      chatId: '101',
      displayName: 'Alice Zhang',
      languageCode: 'zh-hans',
      content: { kind: 'text', text: 'hello' },
    });
    expect(telegram.calls('deleteWebhook')).toHaveLength(1); // polling start clears any webhook
  });

  it('builds deep links with the bot username learnt at start', () => {
    expect(channel.deepLink('INV-42_x')).toBe('https://t.me/kinbridge_test_bot?start=INV-42_x');
    expect(() => channel.deepLink('has space')).toThrow(RangeError);
  });

  it('keeps a /start deep link as text with its payload', async () => {
    telegram.userSays(bob, '/start INV-42');
    await vi.waitFor(() => expect(received).toHaveLength(1));
    expect(received[0]).toMatchObject({ externalId: '202', displayName: 'Bob', content: { kind: 'text', text: '/start INV-42' } });
    expect(received[0]).not.toHaveProperty('languageCode');
  });

  it('shows choices as an inline keyboard, one button per row, and turns a tap into a choice', async () => {
    await channel.send('101', {
      text: 'Did Lily sleep well?',
      choices: [
        { id: 'sleep:yes', label: 'Yes' },
        { id: 'sleep:no', label: 'Not really' },
      ],
    });
    const question = await telegram.waitForSent(101);
    expect(question).toMatchObject({ method: 'sendMessage', text: 'Did Lily sleep well?' });
    expect(question.replyMarkup).toEqual({
      inline_keyboard: [[{ text: 'Yes', callback_data: 'sleep:yes' }], [{ text: 'Not really', callback_data: 'sleep:no' }]],
    });

    const tap = telegram.userTapsButton(alice, 'sleep:no');
    await vi.waitFor(() => expect(received).toHaveLength(1));
    expect(received[0]).toMatchObject({ chatId: '101', externalId: '101', content: { kind: 'choice', choiceId: 'sleep:no' } });
    expect(telegram.answeredCallbackQueries).toEqual([tap.callback_query!.id]);
  });

  it('answers the callback query even when the tap is ignored (group chat)', async () => {
    const tap = telegram.userSendsRaw({
      callback_query: {
        id: 'cbq-group',
        from: { id: 101, is_bot: false, first_name: 'Alice' },
        chat_instance: 'x',
        data: 'anything',
        message: { message_id: 5, date: 0, chat: { id: -100123, type: 'supergroup', title: 'Family' } },
      },
    });
    await vi.waitFor(() => expect(telegram.answeredCallbackQueries).toEqual([tap.callback_query!.id]));
    expect(received).toEqual([]);
  });

  it('normalises photo (largest size), voice and location', async () => {
    const photo = telegram.userSendsPhoto(alice, { caption: 'Lily at school', bytes: new Uint8Array(5000) });
    telegram.userSendsVoice(alice, { durationSeconds: 7 });
    telegram.userSendsLocation(alice, 31.23, 121.47);
    await vi.waitFor(() => expect(received).toHaveLength(3));

    const largest = photo.message!.photo!.at(-1)!;
    expect(received[0]!.content).toEqual({
      kind: 'photo',
      media: { channel: 'telegram', fileId: largest.file_id, mimeType: 'image/jpeg', sizeBytes: 5000 },
      caption: 'Lily at school',
    });
    expect(received[1]!.content).toMatchObject({ kind: 'voice', durationSeconds: 7, media: { mimeType: 'audio/ogg', sizeBytes: 4096 } });
    expect(received[2]!.content).toEqual({ kind: 'location', latitude: 31.23, longitude: 121.47 });
  });

  it('reports unsupported messages, drops odd updates, survives a failing handler, and keeps delivering', async () => {
    const from = { id: 101, is_bot: false, first_name: 'Alice' };
    const chat = { id: 101, type: 'private', first_name: 'Alice' };
    telegram.userSendsRaw({ message: { message_id: 1, date: 0, from, chat, dice: { emoji: '🎲', value: 3 } } });
    telegram.userSendsRaw({ edited_message: { message_id: 2, date: 0, edit_date: 1, from, chat, text: 'edited' } });
    telegram.userSendsRaw({ channel_post: { message_id: 3, date: 0, chat: { id: -1001, type: 'channel', title: 'News' }, text: 'post' } });
    telegram.userSendsRaw({ message: { message_id: 4, date: 0, from, chat: { id: -5, type: 'group', title: 'Family' }, text: 'hi all' } });
    telegram.userSendsRaw({ message: { message_id: 5, date: 0, chat, text: 'no sender' } });
    telegram.userSendsRaw({ message: {} });
    telegram.userSendsRaw({ my_chat_member: { chat, from, date: 0 } });
    telegram.userSays(alice, 'explode');
    telegram.userSays(alice, 'still here');

    await vi.waitFor(() => expect(received).toHaveLength(3));
    expect(received.map((m) => m.content)).toEqual([
      { kind: 'unsupported', description: 'dice' },
      { kind: 'unsupported', description: 'edited message' },
      { kind: 'text', text: 'still here' },
    ]);
    expect(logs.filter((entry) => entry.level === 'debug' && entry.message === 'Ignored Telegram update')).toHaveLength(5);
    expect(logs.find((entry) => entry.level === 'error')).toMatchObject({ message: 'Inbound handler failed' });
  });

  it('splits text longer than 4096 characters at line breaks', { timeout: 15_000 }, async () => {
    const lines = Array.from({ length: 200 }, (_, index) => `Line ${index}: ${'words and more words '.repeat(2).trim()}`);
    const text = lines.join('\n');
    expect(text.length).toBeGreaterThan(2 * MAX_TEXT_LENGTH);

    await channel.send('202', { text, choices: [{ id: 'ok', label: 'OK' }] });
    const parts = telegram.sent(202);
    expect(parts).toHaveLength(3);
    for (const part of parts) expect(part.text!.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
    expect(parts.map((part) => part.text).join('\n')).toBe(text); // cut exactly at line breaks, nothing lost
    expect(parts.map((part) => part.replyMarkup !== undefined)).toEqual([false, false, true]); // buttons under the last part
  });

  it('uploads photo bytes with the text as caption, and sends platform file ids as references', async () => {
    const bytes = Uint8Array.from({ length: 3000 }, (_, index) => index % 251);
    await channel.send('101', {
      text: 'Lily drew this',
      photo: { kind: 'bytes', data: bytes, fileName: 'drawing.jpg', mimeType: 'image/jpeg' },
    });
    await channel.send('101', { voice: { kind: 'platform', fileId: 'voice-known-1' } });

    const [photo, voice] = telegram.sent(101);
    expect(photo).toMatchObject({ method: 'sendPhoto', caption: 'Lily drew this', file: { kind: 'upload', fileName: 'drawing.jpg', sizeBytes: 3000 } });
    expect(photo!.file!.kind === 'upload' && Buffer.from(photo!.file!.data).equals(Buffer.from(bytes))).toBe(true);
    expect(voice).toMatchObject({ method: 'sendVoice', file: { kind: 'reference', fileId: 'voice-known-1' } });
    expect(voice).not.toHaveProperty('caption');
  });

  it('sends a caption too long for media as a separate text message', { timeout: 10_000 }, async () => {
    const text = 'x'.repeat(1500);
    await channel.send('101', { text, photo: { kind: 'platform', fileId: 'photo-known' } });
    expect(telegram.sent(101).map((m) => [m.method, m.caption, m.text?.length])).toEqual([
      ['sendPhoto', undefined, undefined],
      ['sendMessage', undefined, 1500],
    ]);
  });

  it('rejects a choice id over 64 bytes before sending anything', async () => {
    const longId = 'é'.repeat(33); // 66 bytes, 33 characters
    await expect(channel.send('101', { text: 'Pick', choices: [{ id: longId, label: 'Too long' }] })).rejects.toBeInstanceOf(ChoiceIdTooLongError);
    expect(telegram.calls('sendMessage')).toEqual([]);
  });

  it('retries after a 429 with retry_after and delivers the message exactly once', { timeout: 10_000 }, async () => {
    telegram.failNext('sendMessage', { errorCode: 429, retryAfter: 1 });
    const started = Date.now();
    await channel.send('101', { text: 'Good morning' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(telegram.calls('sendMessage').map((call) => call.status)).toEqual([429, 200]);
    expect(telegram.sent(101).map((m) => m.text)).toEqual(['Good morning']);
  });

  it('fails a send to a person who blocked the bot with an unreachable-recipient error', async () => {
    telegram.blockChat(202);
    const failure = await channel.send('202', { text: 'Hello?' }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(TelegramSendError);
    expect(failure).toMatchObject({ errorCode: 403, recipientUnreachable: true });
  });

  it('confirms handled updates on stop so a restarted bot does not handle them again', async () => {
    telegram.userSays(alice, 'one');
    await vi.waitFor(() => expect(received).toHaveLength(1));
    await channel.stop();

    const later: InboundMessage[] = [];
    channel = new TelegramChannel({ token: telegram.token, apiRoot: telegram.apiRoot, logger: recordingLogger(logs) });
    await channel.start(async (message) => void later.push(message));
    telegram.userSays(alice, 'two');
    await vi.waitFor(() => expect(later).toHaveLength(1));
    expect(later[0]!.content).toEqual({ kind: 'text', text: 'two' });
  });
});

describe('splitText', () => {
  it('leaves short text whole', () => {
    expect(splitText('hi there', 10)).toEqual(['hi there']);
  });

  it('prefers a late line break, then a space, and cuts mid-word only for an over-long word', () => {
    expect(splitText('aaaa bbbb\ncccc', 10)).toEqual(['aaaa bbbb', 'cccc']);
    expect(splitText('aa\nbbbb cccc dddd', 10)).toEqual(['aa\nbbbb', 'cccc dddd']);
    expect(splitText('abcdefghijklmnop', 10)).toEqual(['abcdefghij', 'klmnop']);
  });

  it('never splits a surrogate pair and never yields blank parts', () => {
    const parts = splitText(`${'a'.repeat(9)}😀${'b'.repeat(5)}`, 10);
    expect(parts).toEqual(['a'.repeat(9), `😀${'b'.repeat(5)}`]);
    expect(splitText(`${'x'.repeat(10)}          \n   `, 10)).toEqual(['x'.repeat(10)]);
  });
});

describe('TelegramChannel start-up', () => {
  it('rejects start when Telegram refuses the token', async () => {
    const telegram = await FakeTelegram.start();
    const channel = new TelegramChannel({ token: '1:wrong', apiRoot: telegram.apiRoot, logger: recordingLogger([]) });
    await expect(channel.start(async () => {})).rejects.toThrow(/401|Unauthorized/);
    await telegram.close();
  });

  it('fails start when the Bot API cannot be reached instead of waiting forever', async () => {
    const telegram = await FakeTelegram.start();
    const apiRoot = telegram.apiRoot;
    await telegram.close(); // nothing listens there any more
    const channel = new TelegramChannel({ token: telegram.token, apiRoot, logger: recordingLogger([]), startTimeoutSeconds: 0.5 });
    const started = Date.now();
    await expect(channel.start(async () => {})).rejects.toThrow(/did not answer within 0.5 s/);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('TelegramChannel over a webhook', () => {
  const secret = 'kinbridge-webhook-secret';
  let telegram: FakeTelegram;
  let channel: TelegramChannel;
  let received: InboundMessage[];
  let hookUrl: string;

  beforeEach(async () => {
    telegram = await FakeTelegram.start();
    received = [];
    const port = await freePort();
    hookUrl = `http://127.0.0.1:${port}/telegram/webhook`;
    channel = new TelegramChannel({
      token: telegram.token,
      apiRoot: telegram.apiRoot,
      webhook: { url: hookUrl, secretToken: secret, listen: { port, host: '127.0.0.1' } },
      logger: recordingLogger([]),
    });
    await channel.start(async (message) => void received.push(message));
  });

  afterEach(async () => {
    await channel.stop();
    await telegram.close();
  });

  it('registers the webhook with its secret and handles updates Telegram pushes', async () => {
    expect(telegram.webhookInfo()).toEqual({ url: hookUrl, secretToken: secret });
    telegram.userSays(alice, 'via webhook');
    telegram.userTapsButton(alice, 'mood:good');
    await vi.waitFor(() => expect(received).toHaveLength(2));
    expect(received.map((m) => m.content)).toEqual([
      { kind: 'text', text: 'via webhook' },
      { kind: 'choice', choiceId: 'mood:good' },
    ]);
    // The handler runs before the response, so the second status may still be on its way.
    await vi.waitFor(() => expect(telegram.webhookDeliveries.map((d) => d.status)).toEqual([200, 200]));
    expect(telegram.answeredCallbackQueries).toHaveLength(1);
  });

  it('refuses requests with a wrong or missing secret (401) and processes nothing', async () => {
    const update = (text: string) => ({
      message: { message_id: 9, date: 0, from: { id: 101, is_bot: false, first_name: 'Mallory' }, chat: { id: 101, type: 'private' }, text },
    });
    const wrong = await telegram.deliverToWebhook(hookUrl, update('forged'), 'not-the-secret');
    const missing = await telegram.deliverToWebhook(hookUrl, update('no header'));
    expect([wrong.status, missing.status]).toEqual([401, 401]);

    const right = await telegram.deliverToWebhook(hookUrl, update('genuine'), secret);
    expect(right.status).toBe(200);
    // The webhook handler runs inside the request, so a 200 means it has already been handled.
    expect(received.map((m) => m.content)).toEqual([{ kind: 'text', text: 'genuine' }]);
  });

  it('stops serving on stop and serves again after a restart', async () => {
    await channel.stop();
    await expect(telegram.deliverToWebhook(hookUrl, { message: {} }, secret)).rejects.toThrow();

    await channel.start(async (message) => void received.push(message));
    telegram.userSays(bob, 'back again');
    await vi.waitFor(() => expect(received.map((m) => m.content)).toEqual([{ kind: 'text', text: 'back again' }]));
  });

  it('answers 404 off the webhook path and 400 to a body that is not JSON', async () => {
    const offPath = await fetch(hookUrl.replace('/telegram/webhook', '/other'), { method: 'POST', body: '{}' });
    expect(offPath.status).toBe(404);
    const garbage = await fetch(hookUrl, { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': secret }, body: 'not json' });
    expect(garbage.status).toBe(400);
    expect(received).toEqual([]);
  });
});

describe('FakeTelegram', () => {
  it('serves files people sent, answers unknown methods with 404 and fails on request', async () => {
    const telegram = await FakeTelegram.start();
    const call = async (method: string, params: object = {}) => {
      const response = await fetch(`${telegram.apiRoot}/bot${telegram.token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
      });
      return { status: response.status, body: (await response.json()) as { ok: boolean; result?: { file_path?: string }; error_code?: number } };
    };
    const voice = telegram.userSendsVoice(alice, { bytes: new Uint8Array([1, 2, 3]) });
    const file = await call('getFile', { file_id: voice.message!.voice!.file_id });
    const download = await fetch(`${telegram.apiRoot}/file/bot${telegram.token}/${file.body.result?.file_path}`);
    expect([...new Uint8Array(await download.arrayBuffer())]).toEqual([1, 2, 3]);

    expect(await call('sendDice', { chat_id: 1 })).toMatchObject({ status: 404, body: { ok: false, error_code: 404 } });
    telegram.failNext('getMe', { errorCode: 500 }, 2);
    expect((await call('getMe')).status).toBe(500);
    expect((await call('getMe')).status).toBe(500);
    expect(await call('getMe')).toMatchObject({ status: 200, body: { ok: true, result: { is_bot: true } } });
    await telegram.close();
  });
});
