import type { AttentionRaiser, AttentionRequest } from '../../core/attention.js';
import type { Clock } from '../../core/clock.js';
import type { EventPublisher } from '../../core/events.js';
import { Prisma } from '../../storage/generated/client.js';
import type { AttentionStatus } from '../../storage/generated/enums.js';
import type { Database } from '../../storage/prisma.js';
import { ATTENTION_EVENTS } from './attention-events.js';

/** Outside the viewer's cohorts an item does not exist: the same answer as an id nobody ever had. */
export class AttentionNotFoundError extends Error {
  override readonly name = 'AttentionNotFoundError';
  constructor(itemId: string) {
    super(`No item ${itemId} that you may see`);
  }
}

/** The owner must be someone who may see the item. */
export class AttentionOwnerError extends Error {
  override readonly name = 'AttentionOwnerError';
}

export interface AttentionView {
  readonly id: string;
  readonly kind: string;
  readonly status: AttentionStatus;
  readonly urgent: boolean;
  readonly familyId: string;
  readonly familyName: string;
  readonly childName: string | null;
  readonly details: Readonly<Record<string, string | number>>;
  /** Present for the cohort's coordinators only. */
  readonly excerpt?: string;
  readonly ownerName: string | null;
  readonly escalations: number;
  readonly createdAt: Date;
}

export interface AttentionDetail extends AttentionView {
  readonly notes: readonly { author: string | null; text: string; createdAt: Date }[];
  readonly trail: readonly { actor: string | null; action: string; detail: unknown; at: Date }[];
}

export interface AttentionSettings {
  /** How long an item may stay untaken before the coordinators are told again; urgent items far sooner. */
  readonly escalateAfterMs: { readonly urgent: number; readonly normal: number };
  /** How many times they are told again before it waits on the list alone. */
  readonly maxEscalations: number;
}

export const DEFAULT_ATTENTION_SETTINGS: AttentionSettings = {
  escalateAfterMs: { urgent: 30 * 60_000, normal: 3 * 24 * 3_600_000 },
  maxEscalations: 3,
};

const VIEW_INCLUDE = {
  family: { select: { name: true, cohort: { select: { coordinators: { select: { personId: true } } } } } },
  child: { select: { name: true } },
  owner: { select: { displayName: true } },
} satisfies Prisma.AttentionItemInclude;

type ItemWithView = Prisma.AttentionItemGetPayload<{ include: typeof VIEW_INCLUDE }>;

/**
 * The needs-attention list. Every read and change takes the person asking, and sees only items of families in the
 * cohorts they coordinate (or, where an item allows, families they teach), or every item for the deployment's admins
 * (who still never read the private excerpt: that stays with the family's coordinators); every change is written to
 * the trail.
 */
export class AttentionItems implements AttentionRaiser {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
    private readonly settings: AttentionSettings = DEFAULT_ATTENTION_SETTINGS,
    private readonly isAdmin: (personId: string) => boolean = () => false,
  ) {}

  async raise(request: AttentionRequest): Promise<{ id: string; raised: boolean }> {
    const open = request.dedupeKey ? await this.openWithKey(request.dedupeKey) : undefined;
    if (open) return { id: open, raised: false };
    const now = this.clock.now();
    let id: string;
    try {
      ({ id } = await this.db.attentionItem.create({
        data: {
          kind: request.kind,
          familyId: request.familyId,
          childId: request.childId ?? null,
          subjectPersonId: request.subjectPersonId ?? null,
          urgent: request.urgent ?? false,
          teachersSee: request.audience === 'coordinators_and_teachers',
          details: request.details,
          excerpt: request.excerpt ?? null,
          dedupeKey: request.dedupeKey ?? null,
          createdAt: now,
          updatedAt: now,
          trail: { create: { action: 'raised', at: now } },
        },
        select: { id: true },
      }));
    } catch (error) {
      // Another process raised the same key a moment ago (the partial unique index): theirs is the one.
      const raced = request.dedupeKey && isUniqueViolation(error) ? await this.openWithKey(request.dedupeKey) : undefined;
      if (raced) return { id: raced, raised: false };
      throw error;
    }
    await this.tell(id, ATTENTION_EVENTS.raised);
    return { id, raised: true };
  }

  async resolve(dedupeKey: string, reason: string): Promise<void> {
    const id = await this.openWithKey(dedupeKey);
    if (id) await this.change(null, id, { status: 'closed', closedAt: this.clock.now() }, 'closed', { reason });
  }

  /** Open items the viewer may see, oldest first. */
  async openFor(viewerId: string): Promise<AttentionView[]> {
    const items = await this.db.attentionItem.findMany({
      where: { AND: [this.visibleTo(viewerId), { status: { not: 'closed' } }] },
      include: VIEW_INCLUDE,
      orderBy: { createdAt: 'asc' },
    });
    return items.map((item) => this.view(item, viewerId));
  }

  /** One item with its notes and trail; throws `AttentionNotFoundError` unless the viewer may see it. */
  async find(viewerId: string, itemId: string): Promise<AttentionDetail> {
    const item = await this.db.attentionItem.findFirst({
      where: { AND: [this.visibleTo(viewerId), { id: itemId }] },
      include: {
        ...VIEW_INCLUDE,
        notes: { orderBy: { createdAt: 'asc' }, include: { author: { select: { displayName: true } } } },
        trail: { orderBy: { at: 'asc' }, include: { actor: { select: { displayName: true } } } },
      },
    });
    if (!item) throw new AttentionNotFoundError(itemId);
    return {
      ...this.view(item, viewerId),
      notes: item.notes.map((note) => ({ author: note.author?.displayName ?? null, text: note.text, createdAt: note.createdAt })),
      trail: item.trail.map((event) => ({ actor: event.actor?.displayName ?? null, action: event.action, detail: event.detail, at: event.at })),
    };
  }

  /** "I'll take it": acknowledged, and owned by the viewer unless someone owns it already. Returns the owner's id. */
  async acknowledge(viewerId: string, itemId: string): Promise<string> {
    const item = await this.visibleItem(viewerId, itemId);
    const ownerId = item.ownerId ?? viewerId;
    if (item.status === 'new') await this.change(viewerId, itemId, { status: 'acknowledged', ownerId }, 'acknowledged');
    return ownerId;
  }

  async setStatus(viewerId: string, itemId: string, status: AttentionStatus): Promise<void> {
    await this.visibleItem(viewerId, itemId);
    await this.change(viewerId, itemId, { status, closedAt: status === 'closed' ? this.clock.now() : null }, 'status', { status });
  }

  async assign(viewerId: string, itemId: string, ownerId: string): Promise<void> {
    await this.visibleItem(viewerId, itemId);
    const ownerSees = await this.db.attentionItem.count({ where: { AND: [this.visibleTo(ownerId), { id: itemId }] } });
    if (ownerSees === 0) throw new AttentionOwnerError('Only someone who may see this item can own it');
    await this.change(viewerId, itemId, { ownerId }, 'assigned', { ownerId });
  }

  async addNote(viewerId: string, itemId: string, text: string): Promise<void> {
    await this.visibleItem(viewerId, itemId);
    const at = this.clock.now();
    await this.db.$transaction([
      this.db.attentionNote.create({ data: { itemId, authorId: viewerId, text, createdAt: at } }),
      this.db.attentionEvent.create({ data: { itemId, actorId: viewerId, action: 'noted', at } }),
      this.db.attentionItem.update({ where: { id: itemId }, data: { updatedAt: at } }),
    ]);
  }

  /** Run every minute: items nobody took in time are told again, a few times at most. Returns how many. */
  async escalateUntaken(): Promise<number> {
    const now = this.clock.now().getTime();
    const waiting = await this.db.attentionItem.findMany({
      where: { status: 'new', escalations: { lt: this.settings.maxEscalations } },
      select: { id: true, urgent: true, createdAt: true, escalations: true },
    });
    const due = waiting.filter((item) => {
      const after = item.urgent ? this.settings.escalateAfterMs.urgent : this.settings.escalateAfterMs.normal;
      return item.createdAt.getTime() + after * (item.escalations + 1) <= now;
    });
    for (const item of due) {
      // Only one process wins each step, so nobody is told twice for the same escalation.
      const won = await this.db.attentionItem.updateMany({ where: { id: item.id, status: 'new', escalations: item.escalations }, data: { escalations: { increment: 1 } } });
      if (won.count === 0) continue;
      await this.db.attentionEvent.create({ data: { itemId: item.id, action: 'escalated', detail: { times: item.escalations + 1 }, at: this.clock.now() } });
      await this.tell(item.id, ATTENTION_EVENTS.escalated);
    }
    return due.length;
  }

  /** Who is told of an item and may act on it. */
  async audienceOf(itemId: string): Promise<string[]> {
    const item = await this.db.attentionItem.findUniqueOrThrow({
      where: { id: itemId },
      select: {
        teachersSee: true,
        family: { select: { cohort: { select: { coordinators: { select: { personId: true } } } }, members: { where: { role: 'teacher' }, select: { personId: true } } } },
      },
    });
    const coordinators = item.family.cohort?.coordinators.map((coordinator) => coordinator.personId) ?? [];
    const teachers = item.teachersSee ? item.family.members.map((member) => member.personId) : [];
    return [...new Set([...coordinators, ...teachers])];
  }

  private async tell(itemId: string, event: string): Promise<void> {
    const personIds = await this.audienceOf(itemId);
    if (personIds.length > 0) await this.events.publish({ name: event, personIds, vars: { attention_id: itemId } });
  }

  private visibleTo(viewerId: string): Prisma.AttentionItemWhereInput {
    if (this.isAdmin(viewerId)) return {};
    return {
      OR: [
        { family: { cohort: { coordinators: { some: { personId: viewerId } } } } },
        { teachersSee: true, family: { members: { some: { personId: viewerId, role: 'teacher' } } } },
      ],
    };
  }

  private async visibleItem(viewerId: string, itemId: string): Promise<{ status: AttentionStatus; ownerId: string | null }> {
    const item = await this.db.attentionItem.findFirst({ where: { AND: [this.visibleTo(viewerId), { id: itemId }] }, select: { status: true, ownerId: true } });
    if (!item) throw new AttentionNotFoundError(itemId);
    return item;
  }

  private async change(actorId: string | null, itemId: string, data: Prisma.AttentionItemUncheckedUpdateInput, action: string, detail?: object): Promise<void> {
    const at = this.clock.now();
    await this.db.$transaction([
      this.db.attentionItem.update({ where: { id: itemId }, data: { ...data, updatedAt: at } }),
      this.db.attentionEvent.create({ data: { itemId, actorId, action, at, ...(detail ? { detail } : {}) } }),
    ]);
  }

  private async openWithKey(dedupeKey: string): Promise<string | undefined> {
    const open = await this.db.attentionItem.findFirst({ where: { dedupeKey, status: { not: 'closed' } }, select: { id: true } });
    return open?.id;
  }

  private view(item: ItemWithView, viewerId: string): AttentionView {
    const coordinates = item.family.cohort?.coordinators.some((coordinator) => coordinator.personId === viewerId) ?? false;
    return {
      id: item.id,
      kind: item.kind,
      status: item.status,
      urgent: item.urgent,
      familyId: item.familyId,
      familyName: item.family.name,
      childName: item.child?.name ?? null,
      details: item.details as Record<string, string | number>,
      ...(coordinates && item.excerpt !== null ? { excerpt: item.excerpt } : {}),
      ownerName: item.owner?.displayName ?? null,
      escalations: item.escalations,
      createdAt: item.createdAt,
    };
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
