import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisChannelMemory } from '../../src/channels/whatsapp/channel-memory.js';
import { dispositionOf } from '../../src/channels/whatsapp/cloud-api.js';
import { WhatsAppChannel } from '../../src/channels/whatsapp/whatsapp-channel.js';
import { describeTemplates } from '../../src/cli/whatsapp-templates.js';
import { MessageTemplates, TemplateConfigError } from '../../src/messaging/message-templates.js';
import { PROACTIVE_KINDS } from '../../src/core/messages.js';
import { defaultMessageTemplatesFile } from '../../src/paths.js';
import { FakeWhatsApp, type WhatsAppUser } from '../support/fake-whatsapp.js';
import { jpegWithGps } from '../support/media-fixtures.js';
import { TestClock } from '../support/test-clock.js';
import { testRedisUrl, uniquePrefix } from '../support/test-redis.js';

describe('the shipped WhatsApp templates', () => {
  const templates = MessageTemplates.load(defaultMessageTemplatesFile);

  it('name a template for every proactive kind in Chinese and English', () => {
    expect(templates.entries().map(([kind]) => kind)).toEqual([...PROACTIVE_KINDS]);
    for (const [, spec] of templates.entries()) expect(Object.keys(spec.languages).sort()).toEqual(['en', 'zh-CN']);
  });

  it('choose by the reader’s language, fill the variables in order on one line, and say why when they cannot', () => {
    const moment = { kind: 'moment' as const, vars: { sender_name: '奶奶', child_name: 'Xiaoming\nWang' } };
    expect(templates.choose(moment, 'zh-CN')).toEqual({ kind: 'template', message: { name: 'kinbridge_moment_from_home', language: 'zh_CN', parameters: ['奶奶', 'Xiaoming Wang'] } });
    expect(templates.choose(moment, 'en-GB')).toMatchObject({ kind: 'template', message: { language: 'en' } });
    expect(templates.choose(moment, 'ro')).toEqual({ kind: 'none', reason: 'template "kinbridge_moment_from_home" has no ro version' });
    expect(templates.choose({ kind: 'moment', vars: { sender_name: '奶奶' } }, 'en')).toEqual({ kind: 'none', reason: 'template "kinbridge_moment_from_home" needs child_name, which the message does not carry' });
    expect(templates.choose(undefined, 'en').kind).toBe('none');
  });

  it('are printed for registration with their variables per language (npm run cli -- whatsapp templates)', () => {
    const printed = describeTemplates(templates, 'config/whatsapp-templates.yaml');
    expect(printed).toContain('kinbridge_play_reminder  (zh_CN, UTILITY)  for play reminder messages to zh-CN readers');
    expect(printed).toContain('  {{2}} = title');
    expect(printed).toContain('12 templates in 6 kinds.');
  });

  it('refuse a body whose placeholders do not match the named variables', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'kinbridge-templates-')), 'templates.yaml');
    writeFileSync(file, 'moment:\n  template: t\n  category: UTILITY\n  variables: [child_name]\n  languages:\n    en: { code: en, body: "{{1}} and {{2}}" }\n');
    expect(() => MessageTemplates.load(file)).toThrow(TemplateConfigError);
    expect(() => MessageTemplates.load(file)).toThrow(/uses \{\{1\}\}, \{\{2\}\} but 1 variables are named/);
  });
});

describe('Cloud API errors', () => {
  it('map to what the outbox does with the message', () => {
    expect(dispositionOf(429, 130429, 5_000)).toEqual({ disposition: 'retry_later', retryAfterMs: 5_000 });
    expect(dispositionOf(400, 131056, 5_000)).toEqual({ disposition: 'retry_later', retryAfterMs: 6_000 });
    expect(dispositionOf(400, 131047, 5_000)).toEqual({ disposition: 'window_closed' });
    expect(dispositionOf(400, 131026, 5_000)).toEqual({ disposition: 'recipient_unreachable' });
    expect(dispositionOf(400, 131030, 5_000)).toEqual({ disposition: 'recipient_unreachable' });
    expect(dispositionOf(401, 190, 5_000)).toMatchObject({ disposition: 'retry_later' });
    expect(dispositionOf(503, undefined, 5_000)).toEqual({ disposition: 'retry_later' });
    expect(dispositionOf(400, 132001, 5_000)).toEqual({ disposition: 'hold' });
    expect(dispositionOf(400, 100, 5_000)).toEqual({ disposition: 'invalid_message' });
  });
});

describe('WhatsAppChannel sending', () => {
  const clock = new TestClock();
  const redis = new Redis(testRedisUrl());
  let whatsapp: FakeWhatsApp;
  let channel: WhatsAppChannel;

  beforeAll(async () => {
    whatsapp = await FakeWhatsApp.start({ clock });
    channel = new WhatsAppChannel({ ...whatsapp.credentials, apiRoot: whatsapp.apiRoot, memory: new RedisChannelMemory(redis, uniquePrefix('wa-send')) });
  });
  afterAll(async () => {
    await whatsapp.close();
    redis.disconnect();
  });

  it('uploads a file once and sends it again by its media id', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'kinbridge-wa-')), 'photo.jpg');
    writeFileSync(file, await jpegWithGps());
    const people: WhatsAppUser[] = [{ waId: '393330000001', name: 'A' }, { waId: '393330000002', name: 'B' }];
    for (const person of people) {
      whatsapp.setLastMessageAt(person, clock.now());
      const receipt = await channel.send(person.waId, { text: 'From home', photo: { kind: 'file', path: file, fileName: 'photo.jpg', mimeType: 'image/jpeg' } });
      expect(receipt.platformMessageIds).toHaveLength(1);
    }
    expect(whatsapp.uploadedIds).toHaveLength(1);
    expect(whatsapp.sent.map((message) => [message.to, message.type, message.mediaId, message.caption])).toEqual(
      people.map((person) => [person.waId, 'image', whatsapp.uploadedIds[0], 'From home']),
    );
  });

  it('shows more than ten choices as a numbered list, a voice note without caption after the text', async () => {
    const person: WhatsAppUser = { waId: '393330000003', name: 'C' };
    whatsapp.setLastMessageAt(person, clock.now());
    const choices = Array.from({ length: 11 }, (_, index) => ({ id: `c${index}`, label: `Option ${index + 1}` }));
    await channel.send(person.waId, { text: 'Pick one', choices });
    await channel.send(person.waId, { text: 'Listen', voice: { kind: 'bytes', data: new Uint8Array([1, 2, 3]), fileName: 'v.ogg', mimeType: 'audio/ogg' } });
    expect(whatsapp.sentTo(person).map((message) => [message.type, message.text ?? message.caption])).toEqual([
      ['text', `Pick one\n\n${choices.map((choice, index) => `${index + 1}. ${choice.label}`).join('\n')}`],
      ['audio', undefined],
      ['text', 'Listen'],
    ]);
  });
});
