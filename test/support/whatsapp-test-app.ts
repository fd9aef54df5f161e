import { Redis } from 'ioredis';
import { RedisChannelMemory } from '../../src/channels/whatsapp/channel-memory.js';
import { WhatsAppChannel, type WhatsAppChannelOptions } from '../../src/channels/whatsapp/whatsapp-channel.js';
import type { Clock } from '../../src/core/clock.js';
import { FakeWhatsApp, type SentWhatsApp, type WhatsAppUser } from './fake-whatsapp.js';
import { startTestApp, type TestApp, type TestAppOverrides } from './test-app.js';
import { testRedisUrl, uniquePrefix } from './test-redis.js';

/** The real bot on the WhatsApp channel, talking to a fake Cloud API on loopback that calls its webhook. */
export interface WhatsAppTestApp extends TestApp {
  readonly whatsapp: FakeWhatsApp;
  readonly whatsappChannel: WhatsAppChannel;
  /** Joins with `code` as a person on WhatsApp would: the language question comes first in Chinese (WhatsApp names no language). */
  onboardOnWhatsApp(user: WhatsAppUser, code: string, answers: { city: string; quietHours: string; photos?: string }): Promise<void>;
}

/**
 * `channel` options go to the WhatsAppChannel (a 130429 is waited out for 20 ms, not 5 s); the rest to
 * `startTestApp`. The per-chat pace is lifted, as the outbox's own tests cover it.
 */
export async function startWhatsAppTestApp({ clock, channel: channelOptions = {}, ...overrides }: TestAppOverrides & { clock: Clock; channel?: Partial<WhatsAppChannelOptions> }): Promise<WhatsAppTestApp> {
  const whatsapp = await FakeWhatsApp.start({ clock });
  const redis = new Redis(testRedisUrl());
  const whatsappChannel = new WhatsAppChannel({
    ...whatsapp.credentials,
    apiRoot: whatsapp.apiRoot,
    memory: new RedisChannelMemory(redis, uniquePrefix('whatsapp')),
    listen: { port: 0, host: '127.0.0.1' },
    rateLimitRetryMs: 20,
    ...channelOptions,
  });
  const app = await startTestApp({ sendLimits: { whatsapp: { perSecond: 1000 } }, clock, ...overrides, channels: [whatsappChannel, ...(overrides.channels ?? [])] });
  whatsapp.webhookUrl = `http://127.0.0.1:${whatsappChannel.webhookAddress()!.port}/whatsapp`;
  return {
    ...app,
    whatsapp,
    whatsappChannel,
    async onboardOnWhatsApp(user, code, { city, quietHours, photos }) {
      await whatsapp.userSays(user, `/start ${code}`);
      await whatsapp.userAnswers(user, '您想用哪种话', { label: 'English' });
      await whatsapp.userAnswers(user, 'Which city', { text: city });
      await whatsapp.userAnswers(user, 'When should I never send you messages?', { label: quietHours });
      if (photos) await whatsapp.userAnswers(user, 'May photos', { label: photos });
    },
    async close() {
      await app.close();
      await whatsapp.close();
      redis.disconnect();
    },
  };
}

/** A predicate for `waitForSent`/`nextSent`: the message's text contains `fragment`. */
export const saying =
  (fragment: string) =>
  (message: SentWhatsApp): boolean =>
    (message.text ?? '').includes(fragment);
