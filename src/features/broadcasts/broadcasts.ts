import type { Clock } from '../../core/clock.js';
import type { OutboundMessage } from '../../core/messages.js';
import type { OutboxWriter } from '../../core/outbox-writer.js';
import { Prisma } from '../../storage/generated/client.js';
import type { Role } from '../../storage/generated/enums.js';
import type { MediaStore } from '../../storage/media-store.js';
import type { Database } from '../../storage/prisma.js';
import { NotCoordinatorError } from '../families/families.js';
import { audienceGroups, audienceRecipients, type AudienceFilter } from './broadcast-audience.js';
import { pickText } from './pick-text.js';

export class BroadcastNotFoundError extends Error {
  override readonly name = 'BroadcastNotFoundError';
}

export interface BroadcastDraft extends AudienceFilter {
  readonly texts: Readonly<Record<string, string>>;
  readonly media?: BroadcastAttachment;
}

/**
 * A photo or voice note in our media store, taken in like every file people send (type checked, metadata such as a
 * photo's GPS position removed), so every platform can send it and nothing of the coordinator's phone goes out.
 */
export interface BroadcastAttachment {
  readonly kind: 'photo' | 'voice';
  readonly storageKey: string;
  readonly mimeType: string;
}

/** An attachment of a draft never sent is deleted after this long. */
const UNSENT_ATTACHMENT_TTL_MS = 24 * 3_600_000;

export interface BroadcastReport {
  readonly status: string;
  readonly recipients: number;
  readonly delivered: number;
  readonly failed: number;
  readonly blocked: number;
  readonly optedOut: number;
  /** Waiting until the person writes again (outside WhatsApp's reply window with no usable template). */
  readonly held: number;
  readonly pending: number;
}

/**
 * Announcements from coordinators to the people of the cohorts they coordinate. Sending writes one outbox row per
 * recipient (deduplicated per broadcast and person, so a fan-out interrupted and run again sends nobody twice),
 * in the recipient's language and after their quiet hours, by one statement per page of recipients (see
 * broadcast-audience.ts); the outbox's bulk sender sends them.
 */
export class BroadcastService {
  constructor(
    private readonly db: Database,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
    private readonly fallbackLocales: readonly string[],
    private readonly files: Pick<MediaStore, 'source' | 'delete'>,
  ) {}

  /** Saves a draft after checking the coordinator runs every cohort it names; answers how many it would reach. */
  async draft(coordinatorId: string, draft: BroadcastDraft): Promise<{ id: string; recipients: number; byLocale: Record<string, number> }> {
    await this.assertCoordinates(coordinatorId, draft.cohortIds);
    const { id } = await this.db.broadcast.create({
      data: {
        coordinatorId,
        cohortIds: [...draft.cohortIds],
        roles: [...draft.roles],
        locales: [...draft.locales],
        texts: { ...draft.texts },
        ...(draft.media ? { media: { kind: draft.media.kind, storageKey: draft.media.storageKey, mimeType: draft.media.mimeType } } : {}),
      },
    });
    const byLocale: Record<string, number> = {};
    for (const group of await audienceGroups(this.db, draft)) byLocale[group.locale] = (byLocale[group.locale] ?? 0) + group.people;
    return { id, recipients: Object.values(byLocale).reduce((a, b) => a + b, 0), byLocale };
  }

  async schedule(coordinatorId: string, id: string, at: Date): Promise<void> {
    await this.owned(coordinatorId, id);
    await this.db.broadcast.update({ where: { id }, data: { status: 'scheduled', scheduledAt: at } });
  }

  async cancel(coordinatorId: string, id: string): Promise<void> {
    await this.owned(coordinatorId, id);
    await this.db.broadcast.updateMany({ where: { id, status: { in: ['draft', 'scheduled'] } }, data: { status: 'cancelled' } });
  }

  /**
   * Run with the retention sweep: attachments go `retentionDays` after their broadcast finished, and a day after a
   * draft nobody sent (or a cancelled one) was made. Returns how many were deleted.
   */
  async forgetOldAttachments(retentionDays: number): Promise<number> {
    const now = this.clock.now().getTime();
    const old = await this.db.broadcast.findMany({
      where: {
        media: { not: Prisma.DbNull },
        OR: [
          { status: 'done', finishedAt: { lt: new Date(now - retentionDays * 24 * 3_600_000) } },
          { status: { in: ['draft', 'cancelled'] }, createdAt: { lt: new Date(now - UNSENT_ATTACHMENT_TTL_MS) } },
        ],
      },
      select: { id: true, media: true },
    });
    await this.forgetAttachments(old);
    return old.length;
  }

  /** On /forget: the attachments of the person's broadcasts. */
  async forgetAttachmentsOf(coordinatorId: string): Promise<void> {
    await this.forgetAttachments(await this.db.broadcast.findMany({ where: { coordinatorId, media: { not: Prisma.DbNull } }, select: { id: true, media: true } }));
  }

  /** Files first, then rows: an interrupted run leaves rows pointing at missing files (redone next time), never lost files. */
  private async forgetAttachments(broadcasts: readonly { id: string; media: unknown }[]): Promise<void> {
    await this.files.delete(broadcasts.map((broadcast) => (broadcast.media as BroadcastAttachment).storageKey));
    await this.db.broadcast.updateMany({ where: { id: { in: broadcasts.map((broadcast) => broadcast.id) } }, data: { media: Prisma.DbNull } });
  }

  /** Marks it sending; the fan-out itself runs in the broadcast worker (`fanOut`). */
  async sendNow(coordinatorId: string, id: string): Promise<void> {
    await this.owned(coordinatorId, id);
    await this.db.broadcast.update({ where: { id }, data: { status: 'sending', scheduledAt: this.clock.now() } });
  }

  /** Broadcasts due to fan out now: sent now, or scheduled for a moment that has come. */
  async due(): Promise<string[]> {
    const rows = await this.db.broadcast.findMany({
      where: { status: { in: ['sending', 'scheduled'] }, queuedAt: null, scheduledAt: { lte: this.clock.now() } },
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }

  /** Broadcasts fanned out and still sending, to check for completion; and those finished within the last minute, whose report may still be owed. */
  async finishing(): Promise<string[]> {
    const rows = await this.db.broadcast.findMany({
      where: {
        queuedAt: { not: null },
        OR: [{ status: 'sending' }, { status: 'done', finishedAt: { gt: new Date(this.clock.now().getTime() - 60_000) } }],
      },
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }

  /**
   * Writes every recipient's copy to the outbox, inside the database (no object per recipient here). Safe to run again
   * after a crash: copies are deduplicated per broadcast and person.
   */
  async fanOut(id: string): Promise<void> {
    const broadcast = await this.db.broadcast.findUniqueOrThrow({ where: { id } });
    if (broadcast.queuedAt || broadcast.status === 'cancelled') return;
    await this.db.broadcast.update({ where: { id }, data: { status: 'sending' } });
    const texts = broadcast.texts as Record<string, string>;
    const attachment = broadcast.media as BroadcastAttachment | null;
    const media: Pick<OutboundMessage, 'photo' | 'voice'> = attachment ? { [attachment.kind]: this.files.source(attachment.storageKey, attachment.mimeType) } : {};
    const messageFor = (locale: string): OutboundMessage => {
      const text = pickText(texts, locale, this.fallbackLocales);
      return { text, purpose: { kind: 'broadcast', vars: { text } }, ...media };
    };
    const groups = await audienceGroups(this.db, broadcast);
    const recipients = await this.outbox.enqueueSelected(audienceRecipients(groups, broadcast, this.clock.now(), messageFor, { dedupeKey: `broadcast:${id}`, broadcastId: id }));
    const optedOut = await this.db.person.count({ where: { optedOutAt: { not: null }, ...membershipFilter(broadcast) } });
    await this.db.broadcast.update({ where: { id }, data: { queuedAt: this.clock.now(), recipientCount: recipients, optedOutCount: optedOut } });
  }

  /** Delivery so far; a sending broadcast with nothing pending is marked done. */
  async report(id: string): Promise<BroadcastReport> {
    const broadcast = await this.db.broadcast.findUniqueOrThrow({ where: { id } });
    const counts = await this.db.outboxMessage.groupBy({ by: ['status'], where: { broadcastId: id }, _count: true });
    const count = (status: string): number => counts.find((c) => c.status === status)?._count ?? 0;
    const pending = count('queued') + count('sending');
    let status: string = broadcast.status;
    if (status === 'sending' && broadcast.queuedAt && pending === 0) {
      await this.db.broadcast.update({ where: { id }, data: { status: 'done', finishedAt: this.clock.now() } });
      status = 'done';
    }
    return {
      status,
      recipients: broadcast.recipientCount,
      delivered: count('sent'),
      failed: count('failed'),
      blocked: count('blocked'),
      optedOut: broadcast.optedOutCount,
      held: count('held'),
      pending,
    };
  }

  async coordinatorOf(id: string): Promise<string> {
    const broadcast = await this.db.broadcast.findUnique({ where: { id }, select: { coordinatorId: true } });
    if (!broadcast) throw new BroadcastNotFoundError(`No broadcast ${id}`);
    return broadcast.coordinatorId;
  }

  private async owned(coordinatorId: string, id: string): Promise<void> {
    const broadcast = await this.db.broadcast.findUnique({ where: { id } });
    // Someone else's broadcast looks exactly like one that does not exist.
    if (!broadcast || broadcast.coordinatorId !== coordinatorId) throw new BroadcastNotFoundError(`No broadcast ${id} of this coordinator`);
    await this.assertCoordinates(coordinatorId, broadcast.cohortIds);
  }

  private async assertCoordinates(coordinatorId: string, cohortIds: readonly string[]): Promise<void> {
    if (cohortIds.length === 0) throw new NotCoordinatorError('A broadcast needs at least one cohort');
    const held = await this.db.cohortCoordinator.count({ where: { personId: coordinatorId, cohortId: { in: [...cohortIds] } } });
    if (held !== new Set(cohortIds).size) throw new NotCoordinatorError(`Person ${coordinatorId} does not coordinate every cohort of this broadcast`);
  }
}

function membershipFilter(broadcast: { cohortIds: string[]; roles: Role[] }) {
  return {
    memberships: {
      some: {
        family: { cohortId: { in: broadcast.cohortIds } },
        ...(broadcast.roles.length > 0 ? { role: { in: broadcast.roles } } : {}),
      },
    },
  };
}
