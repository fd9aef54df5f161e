import type { Clock } from '../core/clock.js';
import type { EventPublisher } from '../core/events.js';
import type { ReminderScheduler } from '../core/reminders.js';
import type { OutboxWriter } from '../core/outbox-writer.js';
import type { Database } from '../storage/prisma.js';
import type { ActivityServices } from './activities/activity-services.js';
import type { AttentionItems } from './attention/attention-items.js';
import type { BroadcastRunner } from './broadcasts/broadcast-worker.js';
import type { BroadcastService } from './broadcasts/broadcasts.js';
import type { CallServices } from './calls/call-services.js';
import type { CheckInServices } from './checkins/checkin-services.js';
import type { ConsentService } from './consent/consents.js';
import type { DashboardLinks } from './dashboard-access/dashboard-links.js';
import type { FamilyService } from './families/families.js';
import type { InviteService } from './families/invites.js';
import type { ChildMoves } from './living/child-moves.js';
import type { StoredWhereabouts } from './living/stored-whereabouts.js';
import type { PersonEraser } from './privacy/person-eraser.js';
import type { SafeguardingServices } from './safeguarding/safeguarding-services.js';
import type { UpdateServices } from './updates/update-services.js';

/** What feature actions may use; assembled once at the composition root. */
export interface FeatureServices {
  readonly db: Database;
  readonly clock: Clock;
  readonly events: EventPublisher;
  /** For messages a feature sends itself (relays, broadcasts) rather than through a flow. */
  readonly outbox: OutboxWriter;
  readonly invites: InviteService;
  readonly families: FamilyService;
  /** The command menu (Telegram's "/" button) of a person's chats, for their role and language. */
  readonly commandMenus: { showFor(personId: string, locale: string): Promise<void> };
  readonly consents: ConsentService;
  /** Timed flows ("start flow F for person P at T"): nudges, summaries, reminders. */
  readonly reminders: ReminderScheduler;
  readonly calls: CallServices;
  /** What needs a person: families out of touch, worrying answers, words of harm; seen only within the cohort. */
  readonly attention: AttentionItems;
  /** Moments from home to parents (photos, voice, video, text) and their answers. */
  readonly updates: UpdateServices;
  /** How long what is shared is kept, as `/privacy` tells people. */
  readonly privacyTerms: { readonly mediaRetentionDays: number; readonly outboxRedactionDays: number };
  /** `/forget`: deletes everything of a person. */
  readonly eraser: PersonEraser;
  /** Weekly play: the curriculum, caregivers' reminders with their voice, progress, recordings. */
  readonly activities: ActivityServices;
  readonly broadcasts: BroadcastService;
  readonly broadcastRunner: BroadcastRunner;
  /** Milestone check-ins at the checklist ages: instruments, answers, results, their schedule. */
  readonly checkins: CheckInServices;
  /** Screens what family members write; answers with help numbers and alerts their coordinators. */
  readonly safeguarding: SafeguardingServices;
  /** Where each child lives (with a parent, or at home), its history, and recording a move. */
  readonly living: { readonly moves: ChildMoves; readonly whereabouts: StoredWhereabouts };
  /** One-time sign-in links to the web dashboard (/dashboard in chat). */
  readonly dashboardLinks: DashboardLinks;
  readonly supportedLocales: readonly string[];
  /** Words for values an action formats itself (role names in a family summary). */
  translate(locale: string, key: string, vars?: Record<string, unknown>): string;
  /** A link that opens the bot with the code filled in (Telegram deep link), when a channel offers one. */
  inviteLink(code: string): string | undefined;
}
