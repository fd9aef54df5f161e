import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { PuppetModuleName } from 'wechaty';
import { createKinbridge, KINBRIDGE_ROLES, type KinbridgeRole } from './app.js';
import type { ChannelAdapter } from './channels/channel-adapter.js';
import { ConsoleChannel } from './channels/console/console-channel.js';
import { TelegramChannel } from './channels/telegram/telegram-channel.js';
import { WechatChannel } from './channels/wechat/wechat-channel.js';
import { RedisChannelMemory } from './channels/whatsapp/channel-memory.js';
import { WhatsAppChannel } from './channels/whatsapp/whatsapp-channel.js';
import { loadConfig, type Config } from './config.js';
import { systemClock, type Clock } from './core/clock.js';
import { createLogger, type Logger } from './core/logger.js';
import { OffsetClock } from './core/offset-clock.js';
import { SendPacer } from './messaging/send-pacer.js';
import { startLocalServices } from './infra/local-services.js';
import { loadDeploymentSecret } from './infra/deployment-secret.js';
import { deploymentPaths } from './infra/deployment-paths.js';
import { aptInstallLine, debianPackagesFor, missingTools } from './infra/system-tools.js';
import { projectRoot } from './paths.js';
import { applyMigrations } from './storage/migrate.js';

/**
 * `npm start`: PostgreSQL and Redis from DATABASE_URL/REDIS_URL, or embedded ones when unset; migrations;
 * then the bot on Telegram when TELEGRAM_BOT_TOKEN is set, and the console simulator otherwise (or with --channel console).
 */
async function main(stopSteps: StopStep[]): Promise<void> {
  const { values } = parseArgs({ options: { channel: { type: 'string', multiple: true }, role: { type: 'string', default: 'all' } } });
  const roles = rolesOf(values.role);
  const config = loadConfig();
  const wanted = values.channel ?? (config.TELEGRAM_BOT_TOKEN ? ['telegram'] : ['console']);
  const paths = deploymentPaths(config);
  const { dataDir } = paths;
  const logger = createLogger(config.LOG_LEVEL, wanted.includes('console') ? consoleLogDestination(dataDir) : undefined);
  for (const notice of startupNotices(config)) process.stderr.write(`${notice}\n`);

  const services = await startLocalServices({
    databaseUrl: config.DATABASE_URL,
    redisUrl: config.REDIS_URL,
    dataDir,
    logger: { info: (message) => logger.info(message) },
  });
  stopSteps.push(() => services.stop());
  const { applied } = await applyMigrations({ databaseUrl: services.databaseUrl });
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');

  let channelRedis: Redis | undefined;
  const shared = (): Redis => (channelRedis ??= new Redis(services.redisUrl, { maxRetriesPerRequest: null }));
  stopSteps.push(() => channelRedis?.disconnect());
  const channelHelpers: ChannelHelpers = {
    pacer: () => new SendPacer(shared(), `${config.KINBRIDGE_REDIS_PREFIX}:pacer`, wechatyPacing(config)),
    memory: (name) => new RedisChannelMemory(shared(), `${config.KINBRIDGE_REDIS_PREFIX}:${name}`),
  };
  // The console simulator's clock can be moved forward (`:clock +2d`); every other deployment runs on the machine's.
  const clock = wanted.includes('console') ? new OffsetClock() : systemClock;
  const channels = wanted.map((name) => createChannel(name, config, logger, channelHelpers, clock));
  const telegram = channels.find((channel): channel is TelegramChannel => channel instanceof TelegramChannel);
  const app = await createKinbridge({
    secret: loadDeploymentSecret(config.KINBRIDGE_SECRET, dataDir),
    clock,
    roles,
    databaseUrl: services.databaseUrl,
    redisUrl: services.redisUrl,
    redisPrefix: config.KINBRIDGE_REDIS_PREFIX,
    outboxClaimLeaseMs: config.KINBRIDGE_OUTBOX_CLAIM_LEASE_MS,
    channels,
    logger,
    inviteTtlHours: config.INVITE_TTL_HOURS,
    mediaDir: paths.mediaDir,
    speechCacheDir: paths.speechCacheDir,
    mediaRetentionDays: config.MEDIA_RETENTION_DAYS,
    outboxRedactionDays: config.OUTBOX_REDACTION_DAYS,
    callEscalationWeeks: config.CALL_ESCALATION_WEEKS,
    speechProvider: config.SPEECH_PROVIDER,
    defaultLocale: config.DEFAULT_LOCALE,
    defaultTimeZone: config.DEFAULT_TIME_ZONE,
    inboundLimits: { messages: config.INBOUND_MESSAGES_PER_MINUTE, windowSeconds: 60 },
    strangerRepliesPerDay: config.STRANGER_REPLIES_PER_DAY,
    inviteLink: (code) => (telegram ? telegram.deepLink(code) : undefined),
    dashboard: { host: config.DASHBOARD_HOST, port: config.DASHBOARD_PORT, publicUrl: config.DASHBOARD_PUBLIC_URL, admins: config.DASHBOARD_ADMINS },
    ...(telegram ? { sendLimits: { telegram: { ...telegram.limits, perSecond: config.TELEGRAM_MAX_PER_SECOND } } } : {}),
  });
  stopSteps.push(() => app.stop());
  await app.start();
  const dashboardUrl = app.dashboardUrl();
  process.stderr.write(
    dashboardUrl
      ? `Dashboard: ${dashboardUrl} (coordinators and teachers send /dashboard to the bot for a sign-in link)\n`
      : `Dashboard: not started, port ${config.DASHBOARD_PORT} is in use (another Kinbridge process may serve it; DASHBOARD_PORT sets another)\n`,
  );
}

/** Something start-up started, to be stopped on SIGINT or SIGTERM. */
type StopStep = () => Promise<void> | void;

/**
 * `--role gateway|worker|scheduler|all` (default all; several separated by commas). Every role builds the channels:
 * a worker sends through them without receiving. Telegram long polling and WeChat puppets receive in one process only.
 */
function rolesOf(option: string): KinbridgeRole[] {
  const names = option.split(',').map((name) => name.trim());
  if (names.includes('all')) return [...KINBRIDGE_ROLES];
  const unknown = names.filter((name) => !(KINBRIDGE_ROLES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`Unknown role "${unknown.join('", "')}" (known: ${KINBRIDGE_ROLES.join(', ')}, all)`);
  return names as KinbridgeRole[];
}

/**
 * The console is the conversation: log lines (JSON, stack traces) must not land between the messages, so they go to
 * a file under the data directory, and one line says where.
 */
function consoleLogDestination(dataDir: string): pino.DestinationStream {
  const file = path.join(dataDir, 'kinbridge.log');
  mkdirSync(dataDir, { recursive: true });
  process.stderr.write(`Logs are written to ${path.relative(process.cwd(), file) || file}\n`);
  return pino.destination({ dest: file, sync: false });
}

/** One readable line each for what is missing but not fatal, said once at start-up. */
function startupNotices(config: Config): string[] {
  const missing = config.SPEECH_PROVIDER === 'espeak-ng' ? missingTools(['espeak-ng', 'ffmpeg']) : [];
  if (missing.length === 0) return [];
  return [`Voice reminders need ${missing.join(' and ')}; until then reminders go as text. To add voice: ${aptInstallLine(debianPackagesFor(missing))}`];
}

/** Personal accounts: a few seconds between messages, never on the beat, a few hundred a day. */
function wechatyPacing(config: Config) {
  return {
    minIntervalMs: config.WECHATY_SEND_MIN_INTERVAL_MS,
    jitterMs: config.WECHATY_SEND_JITTER_MS,
    dailyCap: config.WECHATY_DAILY_CAP,
    timeZone: config.WECHATY_TIME_ZONE ?? config.DEFAULT_TIME_ZONE,
    dayStartsAtHour: config.WECHATY_DAY_STARTS_AT_HOUR,
    chatShare: config.WECHATY_CHAT_SHARE,
    maxHoldMs: 30_000,
  };
}

/** What channels share through Redis with every other worker. */
interface ChannelHelpers {
  pacer(): SendPacer;
  memory(channel: string): RedisChannelMemory;
}

function createChannel(name: string, config: Config, logger: Logger, { pacer, memory }: ChannelHelpers, clock: Clock): ChannelAdapter {
  if (name === 'console') {
    return new ConsoleChannel({ input: process.stdin, output: process.stdout, personas: ['me'], ...(clock instanceof OffsetClock ? { clock } : {}) });
  }
  if (name === 'whatsapp') return createWhatsAppChannel(config, logger, memory(name));
  if (name === 'wechat' || name === 'whatsapp-web') {
    const token = name === 'wechat' ? config.WECHATY_PUPPET_SERVICE_TOKEN : undefined;
    return new WechatChannel({
      name,
      puppet: (name === 'wechat' ? config.WECHATY_PUPPET : config.WHATSAPP_PUPPET) as PuppetModuleName,
      ...(token ? { puppetOptions: { token } } : {}),
      // Wechaty keeps the login session in <session>.memory-card.json, so a restart needs no new QR scan.
      session: path.resolve(projectRoot, config.KINBRIDGE_DATA_DIR, name),
      pacer: pacer(),
      logger,
    });
  }
  if (name === 'telegram') {
    if (!config.TELEGRAM_BOT_TOKEN) throw new Error('The telegram channel needs TELEGRAM_BOT_TOKEN');
    return new TelegramChannel({
      token: config.TELEGRAM_BOT_TOKEN,
      ...(config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {}),
      ...(config.TELEGRAM_WEBHOOK_URL && config.TELEGRAM_WEBHOOK_SECRET
        ? { webhook: { url: config.TELEGRAM_WEBHOOK_URL, secretToken: config.TELEGRAM_WEBHOOK_SECRET, listen: { port: config.PORT } } }
        : {}),
      logger,
    });
  }
  throw new Error(`Unknown channel "${name}" (known: console, telegram, wechat, whatsapp, whatsapp-web)`);
}

function createWhatsAppChannel(config: Config, logger: Logger, memory: RedisChannelMemory): WhatsAppChannel {
  const { WHATSAPP_ACCESS_TOKEN: accessToken, WHATSAPP_PHONE_NUMBER_ID: phoneNumberId, WHATSAPP_APP_SECRET: appSecret, WHATSAPP_VERIFY_TOKEN: verifyToken } = config;
  if (!accessToken || !phoneNumberId || !appSecret || !verifyToken) {
    throw new Error('The whatsapp channel needs WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN (see the README)');
  }
  return new WhatsAppChannel({ accessToken, phoneNumberId, appSecret, verifyToken, apiRoot: config.WHATSAPP_API_ROOT, memory, listen: { port: config.WHATSAPP_WEBHOOK_PORT }, logger });
}

const stopSteps: StopStep[] = [];
const startup = main(stopSteps);

/**
 * The handlers are in place before start-up begins: a signal's default action would end the process without stopping
 * the embedded PostgreSQL or the child redis-server. A signal during start-up waits for it, then stops everything,
 * newest first.
 */
async function stopOnSignal(): Promise<void> {
  await startup.catch(() => undefined);
  for (const step of stopSteps.reverse()) await step();
  process.exit(0);
}
process.once('SIGINT', () => void stopOnSignal());
process.once('SIGTERM', () => void stopOnSignal());

startup.catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
