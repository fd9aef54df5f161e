import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKinbridge, type Kinbridge, type KinbridgeOptions } from '../../src/app.js';
import type { ChannelAdapter } from '../../src/channels/channel-adapter.js';
import { createLogger } from '../../src/core/logger.js';
import type { IssuedInvite } from '../../src/features/families/invites.js';
import { MemoryChannel } from './memory-channel.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { testRedisUrl, uniquePrefix } from './test-redis.js';

export interface TestApp {
  readonly app: Kinbridge;
  readonly channel: MemoryChannel;
  readonly database: TestDatabase;
  readonly redisPrefix: string;
  /** This app's media store directory (a fresh temporary one unless given). */
  readonly mediaDir: string;
  /** A cohort with a coordinator person and one family, with fresh invite codes per role. */
  seedFamily(name?: string): Promise<SeededFamily>;
  /**
   * `name` joins with `code` on the MemoryChannel, answering by button ids (`locale`, `quiet`, `consent`) and text;
   * `consent` only for a parent, the one role asked about photos.
   */
  onboard(name: string, code: string, answers: { locale: string; city: string; quiet: string; consent?: string }): Promise<void>;
  /** What the recurring jobs do every few hours, at once: keep the coming weeks' nudges and play reminders scheduled. */
  keepRemindersScheduled(): Promise<void>;
  /** Stops the bot, keeping the database (to start another instance on it). */
  stopApp(): Promise<void>;
  close(): Promise<void>;
}

export interface SeededFamily {
  readonly familyId: string;
  readonly cohortId: string;
  readonly coordinatorId: string;
  readonly codes: Record<'parent' | 'caregiver' | 'teacher', string>;
}

/** The deployment secret of every test app, so a bot process started beside one (KINBRIDGE_SECRET) reads its codes. */
export const TEST_DEPLOYMENT_SECRET = 'kinbridge-test-deployment-secret-0123456789';

export type TestAppOverrides = Partial<Omit<KinbridgeOptions, 'databaseUrl' | 'redisUrl'>> & { database?: TestDatabase; redisPrefix?: string };

/** The real bot on a fresh database and its own Redis namespace, talking through a MemoryChannel unless told otherwise. */
export async function startTestApp(overrides: TestAppOverrides = {}): Promise<TestApp> {
  const database = overrides.database ?? (await createTestDatabase());
  const channel = new MemoryChannel();
  const redisPrefix = overrides.redisPrefix ?? uniquePrefix('app');
  const channels: readonly ChannelAdapter[] = overrides.channels ?? [channel];
  const mediaDir = overrides.mediaDir ?? mkdtempSync(path.join(tmpdir(), 'kinbridge-media-'));
  const app = await createKinbridge({
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    secret: TEST_DEPLOYMENT_SECRET,
    // Tests run retention and the keeping of reminders when they mean to (`app.recurring.runNow`), not at start-up.
    scheduleRecurringJobs: false,
    ...overrides,
    channels,
    databaseUrl: database.url,
    redisUrl: testRedisUrl(),
    redisPrefix,
    mediaDir,
  });
  for (const memory of [channel, ...channels].filter((c): c is MemoryChannel => c instanceof MemoryChannel)) {
    // A message is handled once journaled and its turn committed; then what the turn wrote must be sent.
    memory.settle = (chatId) =>
      waitUntil(
        async () =>
          (await app.unhandledInbound({ channel: memory.name, externalId: chatId })) === 0 &&
          (await app.outbox.unsentCount({ channel: memory.name, chatId })) === 0,
      );
  }
  await app.start();
  let counter = 0;
  return {
    app,
    channel,
    database,
    redisPrefix,
    mediaDir,
    async seedFamily(name = 'Wang family') {
      counter += 1;
      const coordinator = await database.prisma.person.create({ data: { displayName: `Coordinator ${counter}`, locale: 'en' } });
      const cohort = await database.prisma.cohort.create({ data: { name: `${name} cohort ${counter} ${redisPrefix}` } });
      await database.prisma.cohortCoordinator.create({ data: { cohortId: cohort.id, personId: coordinator.id } });
      const { familyId, invites } = await app.services.families.create(coordinator.id, {
        name,
        cohortId: cohort.id,
        children: [{ name: 'Xiaoming', birthDate: '2021-05-03' }],
      });
      const code = (role: string): string => invites.find((invite: IssuedInvite) => invite.role === role)!.code;
      return { familyId, cohortId: cohort.id, coordinatorId: coordinator.id, codes: { parent: code('parent'), caregiver: code('caregiver'), teacher: code('teacher') } };
    },
    async onboard(name, code, { locale, city, quiet, consent }) {
      await channel.say(name, `/start ${code}`);
      await channel.tap(name, locale);
      await channel.say(name, city);
      await channel.tap(name, quiet);
      if (consent) await channel.tap(name, consent);
    },
    async keepRemindersScheduled() {
      await app.recurring.runNow('calls.keep-scheduled');
      await app.recurring.runNow('activities.keep-scheduled');
    },
    stopApp: () => app.stop(),
    async close() {
      await app.stop().catch(() => undefined);
      await database.drop();
    },
  };
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
