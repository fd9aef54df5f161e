import { TelegramChannel, type TelegramChannelOptions } from '../../src/channels/telegram/telegram-channel.js';
import { FakeTelegram, type FakeUser } from './fake-telegram.js';
import { startTestApp, type TestApp, type TestAppOverrides } from './test-app.js';

/** The real bot on the Telegram channel, talking to a fake Bot API server on loopback. */
export interface TelegramTestApp extends TestApp {
  readonly telegram: FakeTelegram;
  readonly telegramChannel: TelegramChannel;
  /** Onboards `user` with `code`, answering each question as a person would (labels as shown on the buttons). */
  onboardOnTelegram(user: FakeUser, code: string, answers: OnboardingAnswers): Promise<void>;
}

/** What a person answers while joining, by the labels and words they would use. */
export interface OnboardingAnswers {
  readonly language: 'English' | '中文';
  readonly city: string;
  readonly quietHours: string;
  /** Left out for a role that is not asked about photos. */
  readonly photos?: string;
}

const QUESTIONS = {
  English: { language: 'Which language', city: 'Which city', quietHours: 'When should I never send you messages?', photos: 'May photos' },
  中文: { language: '您想用哪种话', city: '您现在住在哪个城市', quietHours: '什么时候不要给您发消息', photos: '照片' },
} as const;

/**
 * `channel` options go to the TelegramChannel (replies leave one at a time and at once, unless told otherwise); the
 * rest to `startTestApp`. Telegram's per-chat pace is lifted, since it would only make tests slow (the outbox's own
 * tests cover it).
 */
export async function startTelegramTestApp({ channel: channelOptions = {}, ...overrides }: TestAppOverrides & { channel?: Partial<TelegramChannelOptions> } = {}): Promise<TelegramTestApp> {
  const telegram = await FakeTelegram.start();
  const telegramChannel = new TelegramChannel({ token: telegram.token, apiRoot: telegram.apiRoot, ...channelOptions });
  const app = await startTestApp({ sendLimits: { telegram: { perSecond: 1000 } }, ...overrides, channels: [telegramChannel, ...(overrides.channels ?? [])] });
  return {
    ...app,
    telegram,
    telegramChannel,
    async onboardOnTelegram(user, code, answers) {
      const asked = QUESTIONS[answers.language];
      // The language question comes in the language of the person's Telegram app.
      const firstAsked = user.languageCode?.startsWith('zh') ? QUESTIONS.中文 : QUESTIONS.English;
      telegram.userSays(user, `/start ${code}`);
      await telegram.userAnswers(user, firstAsked.language, { label: answers.language });
      await telegram.userAnswers(user, asked.city, { text: answers.city });
      await telegram.userAnswers(user, asked.quietHours, { label: answers.quietHours });
      if (answers.photos) await telegram.userAnswers(user, asked.photos, { label: answers.photos });
    },
    async close() {
      await app.close();
      await telegram.close();
    },
  };
}
