import type { Redis } from 'ioredis';
import type { Clock } from '../core/clock.js';
import type { EventPublisher } from '../core/events.js';
import type { Logger } from '../core/logger.js';
import type { MediaFetcher } from '../core/media-fetcher.js';
import type { Address } from '../core/messages.js';
import type { OutboxWriter } from '../core/outbox-writer.js';
import type { QueueFactory } from '../infra/queue-factory.js';
import type { ReminderScheduler } from '../core/reminders.js';
import type { CommandMenuChannel } from '../core/role-commands.js';
import type { OutboxRedaction } from '../messaging/outbox-redaction.js';
import type { SpeechSynthesizer } from '../speech/speech-synthesizer.js';
import type { MediaStore } from '../storage/media-store.js';
import type { Database } from '../storage/prisma.js';
import type { AttentionSettings } from './attention/attention-items.js';
import type { GuessLimits } from './families/invite-guess-guard.js';
import type { PersonDirectory } from './people/person-directory.js';
import type { MediaLimits } from './updates/media-intake.js';

/** Words for values a feature formats itself (role names in a family summary). */
export type Translate = (locale: string, key: string, vars?: Record<string, unknown>) => string;

/**
 * What the app builds once and any feature may ask for by name in its `create(deps)`. A feature names only the
 * ports it uses (`Pick<SharedPorts, 'db' | 'clock'>`), plus what earlier features in `feature-list.ts` provide.
 */
export interface SharedPorts {
  readonly db: Database;
  readonly clock: Clock;
  readonly events: EventPublisher;
  /** For messages a feature sends itself (relays, broadcasts) rather than through a flow. */
  readonly outbox: OutboxWriter;
  /** Timed flows ("start flow F for person P at T"): nudges, summaries, reminders. */
  readonly reminders: ReminderScheduler;
  readonly translate: Translate;
  readonly supportedLocales: readonly string[];
  readonly logger: Logger;
  readonly redis: Redis;
  /** Namespaces every Redis key of this deployment (ends with ':'). */
  readonly keyPrefix: string;
  /** BullMQ queues and workers on the app's connection, prefix and defaults. */
  readonly queues: QueueFactory;
  readonly mediaStore: MediaStore;
  /** Fetches a file a person sent from the app it came through. */
  readonly fetcher: MediaFetcher;
  readonly people: PersonDirectory;
  /** The app a person used last (and has not blocked the bot on). */
  addressOf(personId: string): Promise<Address | null>;
  readonly synthesizer: SpeechSynthesizer;
  /** Channels that show a command menu (Telegram's "/" button). */
  readonly commandMenuChannels: readonly CommandMenuChannel[];
  /** The key behind invite code hashes (from the deployment secret). */
  readonly inviteCodeKey: Buffer;
  /** A link that opens the bot with the code filled in (Telegram deep link), when a channel offers one. */
  inviteLink(code: string): string | undefined;
  readonly outboxRedaction: OutboxRedaction;
  /** The dashboard's sign-in address for a one-time token (the dashboard may start after the features). */
  dashboardLoginUrl(token: string): string;
  isDashboardAdmin(personId: string): boolean;
  readonly settings: FeatureSettings;
}

/** The deployment's choices features read (all optional, each feature has its default); part of `KinbridgeOptions`. */
export interface FeatureSettings {
  /** Hours until an invite expires (default 72). */
  readonly inviteTtlHours?: number;
  readonly guessLimits?: GuessLimits;
  /** Largest file of each kind accepted, in bytes. */
  readonly mediaLimits?: MediaLimits;
  /** Days a shared moment and its files are kept (default 90). */
  readonly mediaRetentionDays?: number;
  /** Days after which the words of sent and failed outbox messages are removed (default 7). */
  readonly outboxRedactionDays?: number;
  /** How often the media retention sweep runs (ms, default hourly). */
  readonly mediaRetentionSweepEveryMs?: number;
  /** Languages a broadcast falls back to, in order, when it has no text in a reader's own. */
  readonly broadcastFallbackLocales?: readonly string[];
  /** How often due and finishing broadcasts are checked (ms). */
  readonly broadcastCheckEveryMs?: number;
  /** Weeks without a logged call before the parent gets a gentle word (one more: the coordinators are alerted). */
  readonly callEscalationWeeks?: number;
  /** When an item nobody took is told again (defaults: urgent after 30 minutes, others after 3 days). */
  readonly attention?: AttentionSettings;
  /** The play curriculum (default curriculum/). */
  readonly curriculumDir?: string;
  /** Phrase lists and help numbers (default safeguarding/). */
  readonly safeguardingDir?: string;
  /** Weeks without a word from a family or a logged call before its coordinators are asked to look (default 3). */
  readonly silentFamilyWeeks?: number;
  /** Check-in instruments (default instruments/). */
  readonly instrumentsDir?: string;
}

export const DEFAULT_MEDIA_RETENTION_DAYS = 90;
export const DEFAULT_OUTBOX_REDACTION_DAYS = 7;
/** Recurring reminders (nudges, play) are topped up this often; each run schedules a week ahead, so hours are plenty. */
export const KEEP_SCHEDULED_EVERY_MS = 6 * 3_600_000;
