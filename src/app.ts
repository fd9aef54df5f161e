import path from 'node:path';
import { Redis } from 'ioredis';
import { waitUntilSettled, type SettleOptions } from './app-settled.js';
import type { ChannelAdapter } from './channels/channel-adapter.js';
import { ChannelRouter } from './channels/channel-router.js';
import { systemClock, type Clock } from './core/clock.js';
import { createLogger, type Logger } from './core/logger.js';
import { deriveSecretKeys } from './core/secret-keys.js';
import { ActionRegistry } from './engine/action-registry.js';
import { ConversationEngine } from './engine/conversation-engine.js';
import { EngineQueue } from './engine/engine-queue.js';
import { FlowCatalog } from './engine/flow-catalog.js';
import { flowContext } from './engine/flow-context.js';
import { loadFlowDirectory } from './engine/flow-loader.js';
import { FlowRunner } from './engine/flow-runner.js';
import { InboundFloodLimiter, type InboundLimits } from './engine/inbound-flood-limiter.js';
import { InboundGate } from './engine/inbound-gate.js';
import { StrangerReplies } from './engine/stranger-replies.js';
import { SessionStore } from './engine/session-store.js';
import { InboundDispatcher } from './engine/inbound-dispatcher.js';
import { InboundJournal } from './engine/inbound-journal.js';
import { PostgresSenderNotifications } from './engine/postgres-sender-notifications.js';
import { SenderLease } from './engine/sender-lease.js';
import { senderKey } from './engine/sender-key.js';
import { TurnCommitter } from './engine/turn-committer.js';
import { TurnReader } from './engine/turn-reader.js';
import { OverdueTimers } from './engine/overdue-timers.js';
import { Translator } from './engine/translator.js';
import { createActivityServices } from './features/activities/activity-services.js';
import { defaultCurriculumDir } from './features/activities/curriculum-dir.js';
import { loadCurriculum } from './features/activities/curriculum-loader.js';
import { playStarter } from './features/activities/play-starter.js';
import { BroadcastWorker } from './features/broadcasts/broadcast-worker.js';
import { BroadcastService } from './features/broadcasts/broadcasts.js';
import { AttentionItems, DEFAULT_ATTENTION_SETTINGS, type AttentionSettings } from './features/attention/attention-items.js';
import { createCallServices } from './features/calls/call-services.js';
import { createCheckInServices } from './features/checkins/checkin-services.js';
import { defaultInstrumentsDir } from './features/checkins/instruments-dir.js';
import { defaultStarterSources } from './features/calls/conversation-starters.js';
import { ConsentService } from './features/consent/consents.js';
import { DashboardLinks } from './features/dashboard-access/dashboard-links.js';
import { RedisLinkRequestLimiter } from './features/dashboard-access/link-request-limiter.js';
import { KinbridgeMetrics } from './dashboard/metrics.js';
import { discoverQueues } from './dashboard/queue-discovery.js';
import { DashboardPortInUseError, startDashboard, type RunningDashboard } from './dashboard/start-dashboard.js';
import { features } from './features/feature-list.js';
import type { FeatureServices } from './features/feature-services.js';
import { FamilyService } from './features/families/families.js';
import { CommandMenus } from './features/people/command-menus.js';
import { RedisInviteGuessGuard, type GuessLimits } from './features/families/invite-guess-guard.js';
import { InviteService } from './features/families/invites.js';
import { PersonEraser } from './features/privacy/person-eraser.js';
import { defaultSafeguardingDir } from './features/safeguarding/safeguarding-dir.js';
import { createSafeguardingServices } from './features/safeguarding/safeguarding-services.js';
import type { MediaLimits } from './features/updates/media-intake.js';
import { createUpdateServices } from './features/updates/update-services.js';
import { PersonDirectory } from './features/people/person-directory.js';
import { defaultFlowsDir, defaultLocalesDir, defaultMessageTemplatesFile, projectRoot } from './paths.js';
import type { SendLimits } from './messaging/chat-window-limiter.js';
import { MessageTemplates } from './messaging/message-templates.js';
import { Outbox } from './messaging/outbox.js';
import { OutboxRedaction } from './messaging/outbox-redaction.js';
import { OutboxSealer } from './messaging/outbox-sealing.js';
import { ReplyWindowGate } from './messaging/reply-window-gate.js';
import { loadDeploymentSecret } from './infra/deployment-secret.js';
import { RecurringJobs } from './scheduling/recurring-jobs.js';
import { ReminderQueue } from './scheduling/reminder-queue.js';
import { ReminderStore } from './scheduling/reminder-store.js';
import { LocalMediaStore } from './storage/local-media-store.js';
import { createStorage, type Database } from './storage/prisma.js';
import { createSynthesizer, type SpeechProvider } from './speech/create-synthesizer.js';

/**
 * What one process does: `gateway` receives updates (journals and acknowledges them), `worker` runs turns, timers and
 * sends, `scheduler` runs the sweeps and recurring jobs. Any number of each share PostgreSQL and Redis.
 */
export type KinbridgeRole = 'gateway' | 'worker' | 'scheduler';
export const KINBRIDGE_ROLES: readonly KinbridgeRole[] = ['gateway', 'worker', 'scheduler'];

export interface KinbridgeOptions {
  readonly databaseUrl: string;
  /** Default: all three in this process. */
  readonly roles?: readonly KinbridgeRole[];
  readonly redisUrl: string;
  readonly channels: readonly ChannelAdapter[];
  readonly flowsDir?: string;
  readonly localesDir?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Namespaces every Redis key, so tests and several deployments can share one Redis. */
  readonly redisPrefix?: string;
  readonly inviteTtlHours?: number;
  readonly guessLimits?: GuessLimits;
  readonly defaultLocale?: string;
  readonly defaultTimeZone?: string;
  readonly inviteLink?: (code: string) => string | undefined;
  /** How long a worker may hold a message it is sending before the outbox presumes it died. */
  readonly outboxClaimLeaseMs?: number;
  /** Where photos, videos and voice notes are kept: a private directory, never a web server's public path (default .kinbridge/media). */
  readonly mediaDir?: string;
  /** Largest file of each kind accepted, in bytes. */
  readonly mediaLimits?: MediaLimits;
  /** Days a shared moment and its files are kept (default 90). */
  readonly mediaRetentionDays?: number;
  /** Days after which the words of sent and failed outbox messages are removed (default 7). */
  readonly outboxRedactionDays?: number;
  /** False: the recurring jobs (retention, keeping reminders scheduled) run only when `recurring.runNow` is called (tests). */
  readonly scheduleRecurringJobs?: boolean;
  /** How often the media retention sweep runs (ms, default hourly). */
  readonly mediaRetentionSweepEveryMs?: number;
  /** Replaces a channel's own sending limits (tests lift Telegram's per-chat limit). */
  readonly sendLimits?: Readonly<Record<string, SendLimits>>;
  /** Languages a broadcast falls back to, in order, when it has no text in a reader's own. */
  readonly broadcastFallbackLocales?: readonly string[];
  /** How often due and finishing broadcasts are checked (ms). */
  readonly broadcastCheckEveryMs?: number;
  /** How often reminders are swept (ms); 0 leaves sweeping to whoever calls `reminders.sweep()` (tests). */
  readonly reminderSweepEveryMs?: number;
  /** Weeks without a logged call before the parent gets a gentle word (one more: the coordinators are alerted). */
  readonly callEscalationWeeks?: number;
  /** When an item nobody took is told again (defaults: urgent after 30 minutes, others after 3 days). */
  readonly attention?: AttentionSettings;
  /** The play curriculum (default curriculum/). */
  readonly curriculumDir?: string;
  /** Who reads play reminders aloud (default espeak-ng), and where the audio is cached (default .kinbridge/speech). */
  readonly speechProvider?: SpeechProvider;
  readonly speechCacheDir?: string;
  /** Messages one sender may send per window before the bot goes quiet for them (one notice). */
  readonly inboundLimits?: InboundLimits;
  /** Answers all strangers of one channel may get in a day (each stranger gets at most one). */
  readonly strangerRepliesPerDay?: number;
  /** Makes anyone who writes a person without an invite code (flow tests, demos); off by default. */
  readonly welcomeStrangers?: boolean;
  /** The deployment secret behind invite hashes and sealed outbox texts (default: generated once under .kinbridge/). */
  readonly secret?: string;
  /** Templates sent outside a channel's reply window (default config/whatsapp-templates.yaml); read only when a channel has one. */
  readonly messageTemplatesFile?: string;
  /** Phrase lists and help numbers (default safeguarding/). */
  readonly safeguardingDir?: string;
  /** Weeks without a word from a family or a logged call before its coordinators are asked to look (default 3). */
  readonly silentFamilyWeeks?: number;
  /** Check-in instruments (default instruments/). */
  readonly instrumentsDir?: string;
  /** The coordinators' web dashboard, served by this process; off when unset. */
  readonly dashboard?: DashboardOptions;
}

export interface DashboardOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** The address people open, when it is not http://localhost:<port> (behind a proxy: https makes cookies Secure). */
  readonly publicUrl?: string;
  /** Person ids that see every cohort and queue health (DASHBOARD_ADMINS). */
  readonly admins?: readonly string[];
}

/** The whole bot wired together: channels → engine → features → storage. */
export interface Kinbridge {
  readonly engine: ConversationEngine;
  readonly services: FeatureServices;
  readonly db: Database;
  readonly outbox: Outbox;
  /** Removes the words of old settled messages (run by the retention job; tests call `sweep()` themselves). */
  readonly outboxRedaction: OutboxRedaction;
  readonly reminders: ReminderQueue;
  /** Schedules again timers whose job was lost (every worker sweeps; tests call `sweep()` themselves). */
  readonly overdueTimers: OverdueTimers;
  /** What services repeat on their own: retention sweeps, keeping next week's reminders scheduled. */
  readonly recurring: RecurringJobs;
  /** Counters and gauges served at the dashboard's /metrics. */
  readonly metrics: KinbridgeMetrics;
  /** Where the dashboard listens once started (undefined when it is off). */
  dashboardUrl(): string | undefined;
  /** Inbound updates of one sender journaled and not yet handled (or being handled here). */
  unhandledInbound(sender: { channel: string; externalId: string }): Promise<number>;
  start(): Promise<void>;
  /** Resolves once nothing is in flight: no turn, no job, no message due and unsent (see `waitUntilSettled`). */
  settled(options?: SettleOptions): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_MEDIA_RETENTION_DAYS = 90;
const DEFAULT_OUTBOX_REDACTION_DAYS = 7;
const DEFAULT_STRANGER_REPLIES_PER_DAY = 50;

/** Recurring reminders (nudges, play) are topped up this often; each run schedules a week ahead, so hours are plenty. */
const KEEP_SCHEDULED_EVERY_MS = 6 * 3_600_000;
/** Untaken items are checked every minute: an urgent one must not wait long past its deadline. */
const ATTENTION_ESCALATION_CHECK_MS = 60_000;

export async function createKinbridge(options: KinbridgeOptions): Promise<Kinbridge> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger('info');
  const prefix = options.redisPrefix ?? 'kinbridge';
  const defaultLocale = options.defaultLocale ?? 'zh-CN';

  const keys = deriveSecretKeys(options.secret ?? loadDeploymentSecret(undefined, path.join(projectRoot, '.kinbridge')));
  const storage = createStorage(options.databaseUrl);
  const { db, sql } = storage;
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const queue = new EngineQueue({ connection: { url: options.redisUrl, maxRetriesPerRequest: null }, prefix, clock, logger });
  const translator = Translator.load(options.localesDir ?? defaultLocalesDir);
  const channelRouter = new ChannelRouter(options.channels);
  const metrics = new KinbridgeMetrics();
  const startedChannels = new Set<string>();
  let dashboard: RunningDashboard | undefined;
  const admins = new Set(options.dashboard?.admins ?? []);
  const mediaStore = new LocalMediaStore(options.mediaDir ?? path.join(projectRoot, '.kinbridge', 'media'));
  const windowed = options.channels.filter((channel) => channel.replyWindowMs !== undefined);
  const templates = windowed.length > 0 ? MessageTemplates.load(options.messageTemplatesFile ?? defaultMessageTemplatesFile) : undefined;
  const outbox = new Outbox({
    db,
    sql,
    redis,
    connection: { url: options.redisUrl, maxRetriesPerRequest: null },
    prefix,
    messenger: metrics.countingMessenger(channelRouter),
    clock,
    sealer: new OutboxSealer(keys.outboxSealKey),
    limits: Object.fromEntries(options.channels.map((channel) => [channel.name, options.sendLimits?.[channel.name] ?? channel.limits ?? {}])),
    gates: Object.fromEntries(windowed.map((channel) => [channel.name, new ReplyWindowGate(db, clock, channel.replyWindowMs!, templates!)])),
    logger,
    ...(options.outboxClaimLeaseMs ? { claimLeaseMs: options.outboxClaimLeaseMs } : {}),
  });
  const reminderStore = new ReminderStore(db, clock);
  const reminders = new ReminderQueue({
    connection: { url: options.redisUrl, maxRetriesPerRequest: null },
    prefix,
    store: reminderStore,
    clock,
    logger,
    sweepEveryMs: options.reminderSweepEveryMs,
  });
  const people = new PersonDirectory(db, clock, {
    timeZone: options.defaultTimeZone ?? 'Asia/Shanghai',
    locale: (hint) => translator.supportedLocale(hint, defaultLocale),
  }, new Set(windowed.map((channel) => channel.name)));
  const broadcasts = new BroadcastService(db, outbox, clock, options.broadcastFallbackLocales ?? ['zh-CN', 'en'], mediaStore);
  const broadcastWorker = new BroadcastWorker({
    connection: { url: options.redisUrl, maxRetriesPerRequest: null },
    prefix,
    broadcasts,
    people,
    outbox,
    translate: (locale, key, vars) => translator.t(locale, key, vars),
    logger,
    checkEveryMs: options.broadcastCheckEveryMs,
  });
  const updates = createUpdateServices(
    {
      db,
      clock,
      outbox,
      store: mediaStore,
      fetcher: channelRouter,
      addressOf: (personId) => people.addressOf(personId),
      translate: (locale, key, vars) => translator.t(locale, key, vars),
    },
    { limits: options.mediaLimits, retentionDays: options.mediaRetentionDays ?? DEFAULT_MEDIA_RETENTION_DAYS },
  );
  const outboxRedaction = new OutboxRedaction(db, clock, options.outboxRedactionDays ?? DEFAULT_OUTBOX_REDACTION_DAYS);
  const invites = new InviteService(db, clock, new RedisInviteGuessGuard(redis, `${prefix}:`, options.guessLimits), options.inviteTtlHours ?? 72, keys.inviteCodeKey);
  const synthesizer = createSynthesizer({ provider: options.speechProvider, cacheDir: options.speechCacheDir ?? path.join(projectRoot, '.kinbridge', 'speech') });
  const activities = createActivityServices({
    db,
    clock,
    reminders: reminderStore,
    curriculum: loadCurriculum(options.curriculumDir ?? defaultCurriculumDir),
    synthesizer,
    logger,
    intake: updates.intake,
    store: mediaStore,
    addressOf: (personId) => people.addressOf(personId),
  });
  const attention = new AttentionItems(db, clock, queue, options.attention ?? DEFAULT_ATTENTION_SETTINGS);
  const families = new FamilyService(db, invites, clock);
  const commandMenus = new CommandMenus({
    db,
    channels: options.channels.flatMap((channel) => (channel.setCommandMenu ? [{ name: channel.name, setCommandMenu: channel.setCommandMenu.bind(channel) }] : [])),
    roleOf: (personId) => families.mainRoleOf(personId),
    translate: (locale, key) => translator.t(locale, key),
    locales: translator.locales,
    fallbackLocale: 'en',
    logger,
  });
  const safeguarding = createSafeguardingServices(
    {
      db,
      clock,
      redis,
      keyPrefix: `${prefix}:`,
      attention,
      outbox,
      events: queue,
      translate: (locale, key, vars) => translator.t(locale, key, vars),
      logger,
    },
    { directory: options.safeguardingDir ?? defaultSafeguardingDir, silentFamilyWeeks: options.silentFamilyWeeks },
  );
  const services: FeatureServices = {
    db,
    clock,
    events: queue,
    outbox,
    invites,
    families,
    commandMenus,
    consents: new ConsentService(db, clock),
    reminders: reminderStore,
    attention,
    calls: createCallServices(
      { db, clock, reminders: reminderStore, attention },
      { escalationWeeks: options.callEscalationWeeks, starters: [...defaultStarterSources, playStarter(activities.weeks, activities.curriculum)] },
    ),
    activities,
    updates,
    privacyTerms: { mediaRetentionDays: options.mediaRetentionDays ?? DEFAULT_MEDIA_RETENTION_DAYS, outboxRedactionDays: options.outboxRedactionDays ?? DEFAULT_OUTBOX_REDACTION_DAYS },
    eraser: new PersonEraser(db, mediaStore, outboxRedaction, activities.recordings, broadcasts),
    broadcasts,
    broadcastRunner: broadcastWorker,
    safeguarding,
    checkins: createCheckInServices({
      db,
      clock,
      reminders: reminderStore,
      events: queue,
      synthesizer,
      speechVoice: (locale) => activities.curriculum.speechVoice(locale),
      logger,
      instrumentsDir: options.instrumentsDir ?? defaultInstrumentsDir,
    }),
    dashboardLinks: new DashboardLinks(db, clock, new RedisLinkRequestLimiter(redis, `${prefix}:`), (token) => `${dashboard?.url ?? ''}/login?token=${token}`, (personId) => admins.has(personId)),
    supportedLocales: translator.locales,
    translate: (locale, key, vars) => translator.t(locale, key, vars),
    inviteLink: (code) => options.inviteLink?.(code),
  };
  const recurring = new RecurringJobs({
    connection: { url: options.redisUrl, maxRetriesPerRequest: null },
    prefix,
    logger,
    jobs: [
      {
        id: 'media-retention',
        everyMs: options.mediaRetentionSweepEveryMs ?? 3_600_000,
        async run() {
          const swept = { ...(await updates.retention.sweep()), broadcastAttachments: await broadcasts.forgetOldAttachments(options.mediaRetentionDays ?? DEFAULT_MEDIA_RETENTION_DAYS) };
          const redactedMessages = await outboxRedaction.sweep();
          if (Object.values(swept).some((count) => count > 0) || redactedMessages > 0) logger.info({ ...swept, redactedMessages }, 'retention sweep');
        },
      },
      { id: 'calls.keep-scheduled', everyMs: KEEP_SCHEDULED_EVERY_MS, run: () => services.calls.plans.keepScheduled() },
      { id: 'activities.keep-scheduled', everyMs: KEEP_SCHEDULED_EVERY_MS, run: () => activities.schedules.keepScheduled() },
      { id: 'safeguarding.silent-families', everyMs: KEEP_SCHEDULED_EVERY_MS, run: () => safeguarding.silentFamilies.sweep().then(() => undefined) },
      { id: 'checkins.keep-scheduled', everyMs: KEEP_SCHEDULED_EVERY_MS, run: () => services.checkins.schedules.keepScheduled().then(() => undefined) },
      { id: 'attention.escalate', everyMs: ATTENTION_ESCALATION_CHECK_MS, run: () => attention.escalateUntaken().then(() => undefined) },
    ],
  });
  const actions = new ActionRegistry(features, services);
  const roles = new Set(options.roles ?? KINBRIDGE_ROLES);
  const sessions = new SessionStore(sql);
  const journal = new InboundJournal(db, sql, clock);
  const commits = new TurnCommitter(sql, clock, outbox);
  const catalog = new FlowCatalog(await loadFlowDirectory(options.flowsDir ?? defaultFlowsDir, flowContext(translator, actions)), translator);
  const engine = new ConversationEngine({
    catalog,
    runner: new FlowRunner(catalog, actions, translator, clock),
    sessions,
    reader: new TurnReader(sql),
    commits,
    people,
    gate: new InboundGate({
      senders: people,
      invites,
      flood: new InboundFloodLimiter(redis, `${prefix}:`, options.inboundLimits),
      strangerReplies: new StrangerReplies(redis, `${prefix}:`, options.strangerRepliesPerDay ?? DEFAULT_STRANGER_REPLIES_PER_DAY),
      outbox,
      translate: (locale, key, vars) => translator.t(locale, key, vars),
      logger,
      welcomeStrangers: options.welcomeStrangers ?? false,
    }),
    timers: queue,
    translator,
    logger,
    listeners: [safeguarding.screen],
  });
  const overdueTimers = new OverdueTimers(db, clock, queue, logger);
  const inbound = new InboundDispatcher({
    journal,
    lease: new SenderLease(redis, `${prefix}:`),
    notifications: new PostgresSenderNotifications(options.databaseUrl, logger),
    logger,
    handle: (update) => engine.handleInbound(update),
  });
  const windowedNames = new Set(windowed.map((channel) => channel.name));

  return {
    engine,
    services,
    db,
    outbox,
    outboxRedaction,
    reminders,
    overdueTimers,
    recurring,
    async unhandledInbound(sender) {
      const key = senderKey(sender);
      return (await journal.unhandledCount(key)) + (inbound.isDraining(key) ? 1 : 0);
    },
    metrics,
    dashboardUrl: () => dashboard?.url,
    async start() {
      if (roles.has('worker')) {
        outbox.start(options.channels.map((channel) => channel.name));
        queue.start((job) => engine.handleJob(job));
        overdueTimers.start();
        await inbound.start();
      }
      if (roles.has('scheduler')) {
        await queue.syncSchedules(catalog.schedules());
        await reminders.start(async (reminder) => {
          if (!(await engine.startFlow(reminder.personId, reminder.flowId, reminder.vars))) {
            logger.warn({ flowId: reminder.flowId, subject: reminder.subject }, 'a reminder names a flow that no longer exists');
          }
        });
        broadcastWorker.start();
        await recurring.start({ scheduled: options.scheduleRecurringJobs ?? true });
      }
      // The dashboard is served by the process facing the outside (the gateway role), before the channels: once people
      // can write, starting is over (a stop signal then finds the process ready).
      if (options.dashboard && roles.has('gateway')) {
        const queues = await discoverQueues(redis, prefix, { url: options.redisUrl });
        metrics.watch(db, clock, () => queues);
        dashboard = await startDashboard(
          {
            db,
            clock,
            links: services.dashboardLinks,
            translate: translator,
            admins,
            defaultLocale,
            media: mediaStore,
            features: services,
            channels: options.channels.map((channel) => channel.name),
            metrics,
            queues: () => queues,
            readiness: [
              { name: 'postgresql', check: async () => void (await db.$queryRaw`SELECT 1`) },
              { name: 'redis', check: async () => void (await redis.ping()) },
              ...options.channels.map((channel) => ({
                name: `channel:${channel.name}`,
                check: async () => {
                  if (!startedChannels.has(channel.name)) throw new Error('not started');
                },
              })),
            ],
          },
          options.dashboard,
        ).catch((error: unknown) => {
          // A second worker on the same machine still runs the bot; the first one serves the dashboard.
          if (!(error instanceof DashboardPortInUseError)) throw error;
          logger.warn({ error: error.message }, 'dashboard not started: its port is in use');
          return undefined;
        });
      }
      if (roles.has('gateway')) {
        for (const channel of options.channels) {
          await channel.start(
            async (message) => {
              // Journaled before the platform is acknowledged; handled here when this process is a worker too.
              await metrics.turn(message.channel, () => inbound.receive(message, roles.has('worker')));
              // The person's reply window is open again: what was held for it goes now.
              if (windowedNames.has(channel.name)) await outbox.releaseHeld(message.channel, message.chatId);
            },
            (update) => outbox.recordDeliveryStatus(update),
          );
          startedChannels.add(channel.name);
        }
        await commandMenus.setDefaults();
      }
      logger.info({ channels: options.channels.map((c) => c.name), flows: catalog.flows.length, roles: [...roles], dashboard: dashboard?.url }, 'Kinbridge is running');
    },
    settled: (settleOptions) =>
      waitUntilSettled(
        [
          { name: 'conversation turns', pending: () => (engine.busy ? 1 : 0) + inbound.busy },
          { name: 'inbound updates', pending: () => journal.unhandledCount() },
          { name: 'engine jobs', pending: (later) => queue.pendingJobs(later) },
          { name: 'reminders', pending: (later) => reminders.pendingJobs(later) },
          { name: 'broadcast fan-outs', pending: () => broadcastWorker.pendingJobs() },
          { name: 'outbox', pending: (later) => outbox.dueUnsentCount(later) },
        ],
        settleOptions,
      ),
    async stop() {
      await dashboard?.close();
      for (const channel of options.channels) await channel.stop();
      await inbound.close();
      overdueTimers.close();
      await queue.close();
      await reminders.close();
      await recurring.close();
      await broadcastWorker.close();
      await outbox.close();
      redis.disconnect();
      await storage.close();
    },
  };
}
