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
import { FlowResultStore } from './engine/flow-result-store.js';
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
import type { AttentionSettings } from './features/attention/attention-items.js';
import { KinbridgeMetrics } from './dashboard/metrics.js';
import { discoverQueues } from './dashboard/queue-discovery.js';
import { DashboardPortInUseError, startDashboard, type RunningDashboard } from './dashboard/start-dashboard.js';
import { composeFeatures } from './features/compose-features.js';
import { featureModules, type AppServices } from './features/feature-list.js';
import { DEFAULT_OUTBOX_REDACTION_DAYS, type FeatureSettings, type SharedPorts, type Translate } from './features/shared-ports.js';
import type { GuessLimits } from './features/families/invite-guess-guard.js';
import type { MediaLimits } from './features/updates/media-intake.js';
import { PersonDirectory } from './features/people/person-directory.js';
import { defaultFlowsDir, defaultLocalesDir, defaultMediaDir, defaultMessageTemplatesFile, defaultStateDir } from './paths.js';
import type { SendLimits } from './messaging/chat-window-limiter.js';
import { MessageTemplates } from './messaging/message-templates.js';
import { Outbox } from './messaging/outbox.js';
import { OutboxRedaction } from './messaging/outbox-redaction.js';
import { OutboxSealer } from './messaging/outbox-sealing.js';
import { ReplyWindowGate } from './messaging/reply-window-gate.js';
import { loadDeploymentSecret } from './infra/deployment-secret.js';
import { QueueFactory } from './infra/queue-factory.js';
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

/** How one deployment is set up; what features read (retention, curriculum, …) is in `FeatureSettings`. */
export interface KinbridgeOptions extends FeatureSettings {
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
  readonly defaultLocale?: string;
  readonly defaultTimeZone?: string;
  readonly inviteLink?: (code: string) => string | undefined;
  /** How long a worker may hold a message it is sending before the outbox presumes it died. */
  readonly outboxClaimLeaseMs?: number;
  /** Where photos, videos and voice notes are kept: a private directory, never a web server's public path (default .kinbridge/media). */
  readonly mediaDir?: string;
  /** False: the recurring jobs (retention, keeping reminders scheduled) run only when `recurring.runNow` is called (tests). */
  readonly scheduleRecurringJobs?: boolean;
  /** Replaces a channel's own sending limits (tests lift Telegram's per-chat limit). */
  readonly sendLimits?: Readonly<Record<string, SendLimits>>;
  /** How often reminders are swept (ms); 0 leaves sweeping to whoever calls `reminders.sweep()` (tests). */
  readonly reminderSweepEveryMs?: number;
  /** Reminders a second the send plan spreads bursts to (default 25, under Telegram's 30 per bot: replies share it). */
  readonly reminderSendsPerSecond?: number;
  /** Who reads play reminders aloud (default espeak-ng), and where the audio is cached (default .kinbridge/speech). */
  readonly speechProvider?: SpeechProvider;
  readonly speechCacheDir?: string;
  /** Messages one sender may send per window before the bot goes quiet for them (one notice). */
  readonly inboundLimits?: InboundLimits;
  /** How long a worker keeps a sender's lease after their updates ran out (see InboundDispatcher; default 5 s). */
  readonly keepLeaseIdleMs?: number;
  /** Answers all strangers of one channel may get in a day (each stranger gets at most one). */
  readonly strangerRepliesPerDay?: number;
  /** Makes anyone who writes a person without an invite code (flow tests, demos); off by default. */
  readonly welcomeStrangers?: boolean;
  /** The deployment secret behind invite hashes and sealed outbox texts (default: generated once under .kinbridge/). */
  readonly secret?: string;
  /** Templates sent outside a channel's reply window (default config/whatsapp-templates.yaml); read only when a channel has one. */
  readonly messageTemplatesFile?: string;
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
  /** The shared ports and every feature's services, by name (`kb.services.calls`). */
  readonly services: AppServices;
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

const DEFAULT_STRANGER_REPLIES_PER_DAY = 50;

export async function createKinbridge(options: KinbridgeOptions): Promise<Kinbridge> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger('info');
  const prefix = options.redisPrefix ?? 'kinbridge';
  const defaultLocale = options.defaultLocale ?? 'zh-CN';

  const keys = deriveSecretKeys(options.secret ?? loadDeploymentSecret(undefined, defaultStateDir));
  const storage = createStorage(options.databaseUrl);
  const { db, sql } = storage;
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const queues = new QueueFactory({ redisUrl: options.redisUrl, prefix, logger });
  const queue = new EngineQueue({ queues, clock });
  const translator = Translator.load(options.localesDir ?? defaultLocalesDir);
  const translate: Translate = (locale, key, vars) => translator.t(locale, key, vars);
  const channelRouter = new ChannelRouter(options.channels);
  const metrics = new KinbridgeMetrics();
  const startedChannels = new Set<string>();
  let dashboard: RunningDashboard | undefined;
  const admins = new Set(options.dashboard?.admins ?? []);
  const mediaStore = new LocalMediaStore(options.mediaDir ?? defaultMediaDir);
  const windowed = options.channels.filter((channel) => channel.replyWindowMs !== undefined);
  const templates = windowed.length > 0 ? MessageTemplates.load(options.messageTemplatesFile ?? defaultMessageTemplatesFile) : undefined;
  const outbox = new Outbox({
    db,
    sql,
    redis,
    queues,
    messenger: metrics.countingMessenger(channelRouter),
    clock,
    sealer: new OutboxSealer(keys.outboxSealKey),
    limits: Object.fromEntries(options.channels.map((channel) => [channel.name, options.sendLimits?.[channel.name] ?? channel.limits ?? {}])),
    gates: Object.fromEntries(windowed.map((channel) => [channel.name, new ReplyWindowGate(db, clock, channel.replyWindowMs!, templates!)])),
    logger,
    ...(options.outboxClaimLeaseMs ? { claimLeaseMs: options.outboxClaimLeaseMs } : {}),
  });
  const reminderStore = new ReminderStore(db, clock, { sendsPerSecond: options.reminderSendsPerSecond });
  const reminders = new ReminderQueue({ queues, store: reminderStore, clock, logger, sweepEveryMs: options.reminderSweepEveryMs });
  const people = new PersonDirectory(db, sql, clock, {
    timeZone: options.defaultTimeZone ?? 'Asia/Shanghai',
    locale: (hint) => translator.supportedLocale(hint, defaultLocale),
  }, new Set(windowed.map((channel) => channel.name)));
  const outboxRedaction = new OutboxRedaction(db, clock, options.outboxRedactionDays ?? DEFAULT_OUTBOX_REDACTION_DAYS);
  const flowResults = new FlowResultStore(db);
  const ports: SharedPorts = {
    flowResults,
    db,
    clock,
    events: queue,
    outbox,
    reminders: reminderStore,
    translate,
    supportedLocales: translator.locales,
    logger,
    redis,
    keyPrefix: `${prefix}:`,
    queues,
    mediaStore,
    fetcher: channelRouter,
    people,
    addressOf: (personId) => people.addressOf(personId),
    synthesizer: createSynthesizer({ provider: options.speechProvider, cacheDir: options.speechCacheDir ?? path.join(defaultStateDir, 'speech') }),
    commandMenuChannels: options.channels.flatMap((channel) => (channel.setCommandMenu ? [{ name: channel.name, setCommandMenu: channel.setCommandMenu.bind(channel) }] : [])),
    inviteCodeKey: keys.inviteCodeKey,
    inviteLink: (code) => options.inviteLink?.(code),
    outboxRedaction,
    dashboardLoginUrl: (token) => `${dashboard?.url ?? ''}/login?token=${token}`,
    isDashboardAdmin: (personId) => admins.has(personId),
    settings: options,
  };
  const composed = composeFeatures(ports, featureModules);
  const services = composed.services;
  const recurring = new RecurringJobs({ queues, logger, jobs: composed.jobs });
  const actions = new ActionRegistry(composed.bound);
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
      invites: services.invites,
      flood: new InboundFloodLimiter(options.inboundLimits),
      strangerReplies: new StrangerReplies(redis, `${prefix}:`, options.strangerRepliesPerDay ?? DEFAULT_STRANGER_REPLIES_PER_DAY),
      outbox,
      translate,
      logger,
      welcomeStrangers: options.welcomeStrangers ?? false,
    }),
    timers: queue,
    events: queue,
    translator,
    logger,
    listeners: composed.listeners,
  });
  const overdueTimers = new OverdueTimers(db, clock, queue, logger);
  const inbound = new InboundDispatcher({
    journal,
    lease: new SenderLease(redis, `${prefix}:`),
    notifications: new PostgresSenderNotifications(options.databaseUrl, logger),
    logger,
    handle: (update) => engine.handleInbound(update),
    ...(options.keepLeaseIdleMs ? { keepLeaseIdleMs: options.keepLeaseIdleMs } : {}),
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
        await reminders.start(
          metrics.measuringReminders(clock, async (reminder) => {
            if (!(await engine.startFlow(reminder.personId, reminder.flowId, reminder.vars))) {
              logger.warn({ flowId: reminder.flowId, subject: reminder.subject }, 'a reminder names a flow that no longer exists');
            }
          }),
        );
        services.broadcastRunner.start();
        await recurring.start({ scheduled: options.scheduleRecurringJobs ?? true });
      }
      // The dashboard is served by the process facing the outside (the gateway role), before the channels: once people
      // can write, starting is over (a stop signal then finds the process ready).
      if (options.dashboard && roles.has('gateway')) {
        const watched = await discoverQueues(redis, queues);
        metrics.watch(db, clock, () => watched);
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
            queues: () => watched,
            readiness: [
              { name: 'postgresql', check: async () => void (await db.$queryRaw`SELECT 1`) },
              { name: 'redis', check: async () => void (await redis.ping()) },
              ...options.channels.map((channel) => ({
                name: `channel:${channel.name}`,
                check: async () => {
                  if (!startedChannels.has(channel.name)) throw new Error('not started');
                  await channel.probe?.();
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
            async (messages) => {
              // Journaled before the platform is acknowledged; handled here when this process is a worker too.
              await metrics.received(channel.name, messages.length, () => inbound.receive(messages, roles.has('worker')));
              // The person's reply window is open again: what was held for it goes now.
              if (windowedNames.has(channel.name)) for (const message of messages) await outbox.releaseHeld(message.channel, message.chatId);
            },
            (update) => outbox.recordDeliveryStatus(update),
          );
          startedChannels.add(channel.name);
        }
        await services.commandMenus.setDefaults();
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
          { name: 'broadcast fan-outs', pending: () => services.broadcastRunner.pendingJobs() },
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
      await services.broadcastRunner.close();
      await outbox.close();
      redis.disconnect();
      await storage.close();
    },
  };
}
