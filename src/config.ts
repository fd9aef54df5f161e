import { z } from 'zod';
import { speechProviders } from './speech/create-synthesizer.js';

/** Everything the bot reads from its environment, validated once at start-up. */
const configSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  /** Namespaces every Redis key, so several deployments can share one Redis. */
  KINBRIDGE_REDIS_PREFIX: z.string().regex(/^[\w-]+$/).default('kinbridge'),
  /** Where embedded PostgreSQL keeps its data when DATABASE_URL is unset. */
  KINBRIDGE_DATA_DIR: z.string().default('.kinbridge'),
  /** Keys invite hashes and sealed outbox texts; generated once into KINBRIDGE_DATA_DIR/secret.key when unset. */
  KINBRIDGE_SECRET: z.string().min(32).optional(),
  /** Where photos, videos and voice notes are kept; defaults to `media/` under KINBRIDGE_DATA_DIR. Never a public path. */
  KINBRIDGE_MEDIA_DIR: z.string().optional(),
  /** Days shared moments and their files are kept. */
  MEDIA_RETENTION_DAYS: z.coerce.number().positive().default(90),
  /** Days after which the words of sent and failed messages are removed from the outbox (only "it was sent" stays). */
  OUTBOX_REDACTION_DAYS: z.coerce.number().positive().default(7),
  TELEGRAM_BOT_TOKEN: z.string().min(1).optional(),
  TELEGRAM_API_ROOT: z.string().url().optional(),
  /** Set to receive Telegram updates by webhook instead of long polling. */
  TELEGRAM_WEBHOOK_URL: z.string().url().optional(),
  /** Telegram's secret_token header: at least 32 characters, so it cannot be guessed. */
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{32,256}$/, 'must be 32–256 letters, digits, _ or -').optional(),
  /** Telegram's broadcast ceiling for one bot; raise it only against a local Bot API fake or with paid broadcasts. */
  TELEGRAM_MAX_PER_SECOND: z.coerce.number().int().positive().default(30),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** The coordinators' web dashboard: where it listens (loopback by default; 0.0.0.0 in a container behind a proxy). */
  DASHBOARD_HOST: z.string().min(1).default('127.0.0.1'),
  DASHBOARD_PORT: z.coerce.number().int().min(0).max(65535).default(8090),
  /** The address people open, when not http://localhost:<port>; an https address makes the session cookie Secure. */
  DASHBOARD_PUBLIC_URL: z.string().url().optional(),
  /** Person ids (comma-separated, as in the Person table) who see every cohort and the queues at /admin/queues. */
  DASHBOARD_ADMINS: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((id) => id.trim()).filter(Boolean)),
  /** Wechaty puppet of `--channel wechat`: wechat4u (web protocol, QR login) or puppet-service with a token. */
  WECHATY_PUPPET: z.string().min(1).default('wechaty-puppet-wechat4u'),
  WECHATY_PUPPET_SERVICE_TOKEN: z.string().min(1).optional(),
  /** `--channel whatsapp`: Meta's WhatsApp Business Cloud API (see the README for setting up the app and webhook). */
  WHATSAPP_ACCESS_TOKEN: z.string().min(1).optional(),
  WHATSAPP_PHONE_NUMBER_ID: z.string().regex(/^\d+$/, 'the phone number id is digits (WhatsApp Manager › API setup)').optional(),
  /** Signs every webhook POST (X-Hub-Signature-256): App settings › Basic › App secret. */
  WHATSAPP_APP_SECRET: z.string().min(1).optional(),
  /** Any long random string, entered again as "Verify token" where the webhook is configured. */
  WHATSAPP_VERIFY_TOKEN: z.string().min(16).optional(),
  /** Graph API root with version; a local fake in tests. */
  WHATSAPP_API_ROOT: z.string().url().default('https://graph.facebook.com/v21.0'),
  /** Where the webhook server listens (path /whatsapp); behind the HTTPS address registered with Meta. */
  WHATSAPP_WEBHOOK_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  /** Experimental `--channel whatsapp-web`: Wechaty's WhatsApp Web puppet (a headless browser), never run here. */
  WHATSAPP_PUPPET: z.string().min(1).default('wechaty-puppet-whatsapp'),
  /** Pacing of each Wechaty account (personal accounts get banned for bursts): least pause, random extra, daily cap. */
  WECHATY_SEND_MIN_INTERVAL_MS: z.coerce.number().int().nonnegative().default(3_000),
  WECHATY_SEND_JITTER_MS: z.coerce.number().int().nonnegative().default(4_000),
  WECHATY_DAILY_CAP: z.coerce.number().int().positive().default(300),
  /** Hour (in WECHATY_TIME_ZONE, default DEFAULT_TIME_ZONE) when the daily cap resets and held messages go out. */
  WECHATY_DAY_STARTS_AT_HOUR: z.coerce.number().int().min(0).max(23).default(8),
  WECHATY_TIME_ZONE: z.string().optional(),
  /** The part of an account's daily cap one chat may use, so one contact cannot spend every family's day. */
  WECHATY_CHAT_SHARE: z.coerce.number().gt(0).max(1).default(0.2),
  /** Messages one sender may send a minute; past it they get one kind notice, then silence until the minute is over. */
  INBOUND_MESSAGES_PER_MINUTE: z.coerce.number().int().positive().default(20),
  /** Answers all strangers (no invite code yet) of one channel may get in a day; each stranger gets at most one. */
  STRANGER_REPLIES_PER_DAY: z.coerce.number().int().nonnegative().default(50),
  DEFAULT_LOCALE: z.string().default('zh-CN'),
  DEFAULT_TIME_ZONE: z.string().default('Asia/Shanghai'),
  /** How long a worker may hold a message it is sending before others presume it died (ms). */
  KINBRIDGE_OUTBOX_CLAIM_LEASE_MS: z.coerce.number().int().positive().default(300_000),
  INVITE_TTL_HOURS: z.coerce.number().positive().default(72),
  /** Weeks without a logged call before the parent gets a gentle word; one more week and the coordinators are alerted. */
  CALL_ESCALATION_WEEKS: z.coerce.number().int().positive().default(2),
  /** Who reads play reminders aloud when nobody recorded them: espeak-ng, local and offline (cloud providers add their names). */
  SPEECH_PROVIDER: z.enum(speechProviders).default('espeak-ng'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

/** Every variable the bot reads, for the deployment files' test: each must be set by them or documented in .env.example. */
export const configVariableNames = Object.keys(configSchema.shape) as readonly (keyof Config)[];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid environment:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}
