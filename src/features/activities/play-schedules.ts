import type { DateTime } from 'luxon';
import type { ChildMove, ChildMoveListener, ChildWhereabouts } from '../../core/child-whereabouts.js';
import type { Clock } from '../../core/clock.js';
import type { ReminderRequest, ReminderScheduler } from '../../core/reminders.js';
import type { Prisma } from '../../storage/generated/client.js';
import type { Database } from '../../storage/prisma.js';
import { childrenInRole } from '../families/children-in-role.js';
import { isoWeekOf, weekStartOf } from '../../core/weeks.js';

/** The flow the scheduler starts for the caregiver each week; content authors may reword it, not rename it. */
export const REMINDER_FLOW = 'play-reminder';
/** The weekly reminders' occurrences begin so (`week:2026-W48`); "later" ones do not. */
const WEEKLY_OCCURRENCE = 'week:';
/**
 * The weekly game may come up to a quarter of an hour before the time the caregiver picked (many pick 9:00 or 19:00),
 * so it is there when they sit down to play rather than trickling in after; "later" may come a few minutes early.
 */
const WEEKLY_TOLERANCE_SECONDS = 15 * 60;
const LATER_TOLERANCE_SECONDS = 5 * 60;

export interface ScheduleView {
  readonly id: string;
  readonly weekday: number;
  readonly minuteOfDay: number;
  readonly caregiver: { readonly id: string; readonly timeZone: string };
  /** Who hears the reminder now: whoever is with the child (the caregiver at home, the parent the child lives with). */
  readonly recipient: { readonly id: string; readonly timeZone: string };
  readonly child: { readonly id: string; readonly name: string; readonly birthDate: Date; readonly familyId: string };
}

const SCHEDULE_INCLUDE = {
  caregiver: { select: { id: true, timeZone: true } },
  child: { select: { id: true, name: true, birthDate: true, familyId: true } },
} as const;

type ScheduleRow = Prisma.PlayScheduleGetPayload<{ include: typeof SCHEDULE_INCLUDE }>;

const memberAs = (personId: string, role: 'caregiver' | 'parent'): Prisma.ChildWhereInput => ({ family: { members: { some: { personId, role } } } });

/**
 * When each caregiver hears about this week's play: their chosen weekday and time, on their own clock. While the
 * child lives with a parent, the parent hears it instead, at that time on the parent's clock.
 */
export class PlayScheduleService implements ChildMoveListener {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly reminders: ReminderScheduler,
    private readonly whereabouts: ChildWhereabouts,
  ) {}

  /** The children in families where `personId` is a caregiver: the only ones they get reminders about. */
  async childrenOf(personId: string): Promise<{ id: string; name: string }[]> {
    return childrenInRole(this.db, personId, ['caregiver']);
  }

  /** Keeps the caregiver's choice and schedules the next reminder; an earlier choice's pending reminder is cancelled. */
  async save(caregiverId: string, childId: string, weekday: number, minuteOfDay: number): Promise<{ schedule: ScheduleView; next: DateTime } | undefined> {
    const children = await this.childrenOf(caregiverId);
    if (!children.some((child) => child.id === childId)) return undefined;
    const row = await this.db.playSchedule.upsert({
      where: { caregiverId_childId: { caregiverId, childId } },
      create: { caregiverId, childId, weekday, minuteOfDay },
      update: { weekday, minuteOfDay },
    });
    await this.reminders.cancel(subjectOf(row.id));
    const schedule = (await this.find(caregiverId, row.id))!;
    const next = this.nextOccurrence(schedule, weekStartOf(this.clock.now(), schedule.recipient.timeZone));
    await this.scheduleAt(schedule, next);
    return { schedule, next };
  }

  /** A schedule, only for its caregiver and for the parent the child lives with now. */
  async find(personId: string, scheduleId: string): Promise<ScheduleView | undefined> {
    const row = await this.db.playSchedule.findFirst({
      where: { id: scheduleId, OR: [{ caregiverId: personId, child: memberAs(personId, 'caregiver') }, { child: memberAs(personId, 'parent') }] },
      include: SCHEDULE_INCLUDE,
    });
    const schedule = row && (await this.withRecipients([row]))[0]!;
    return schedule && (personId === schedule.caregiver.id || personId === schedule.recipient.id) ? schedule : undefined;
  }

  /** The child moved: the coming reminders of their schedules go to whoever the child is with now. */
  async childMoved(move: ChildMove): Promise<void> {
    const rows = await this.db.playSchedule.findMany({ where: { childId: move.childId }, include: SCHEDULE_INCLUDE });
    for (const row of rows) await this.reminders.cancel(subjectOf(row.id), WEEKLY_OCCURRENCE);
    await this.reminders.schedule((await this.withRecipients(rows)).flatMap((schedule) => this.comingRequests(schedule)));
  }

  /**
   * The recurrence of every schedule, owned here rather than by the reminder flow: the next reminder and the one a
   * week later are kept scheduled (an existing one is left as it is), whatever happened to the last one.
   */
  async keepScheduled(pageSize = 500): Promise<void> {
    let after: string | undefined;
    for (;;) {
      const rows = await this.db.playSchedule.findMany({
        where: after ? { id: { gt: after } } : {},
        include: SCHEDULE_INCLUDE,
        orderBy: { id: 'asc' },
        take: pageSize,
      });
      const requests = (await this.withRecipients(rows)).flatMap((schedule) => this.comingRequests(schedule));
      if (requests.length > 0) await this.reminders.schedule(requests);
      if (rows.length < pageSize) return;
      after = rows.at(-1)!.id;
    }
  }

  /** "Later": the same reminder once more, `minutes` from now (or after the caregiver's quiet hours). */
  async remindAgain(schedule: ScheduleView, minutes: number): Promise<Date> {
    const at = new Date(this.clock.now().getTime() + minutes * 60_000);
    await this.reminders.schedule([
      { subject: subjectOf(schedule.id), occurrence: `later:${at.toISOString()}`, personId: schedule.recipient.id, flowId: REMINDER_FLOW, vars: { schedule_id: schedule.id }, at: { instant: at }, toleranceSeconds: LATER_TOLERANCE_SECONDS },
    ]);
    return at;
  }

  /** The chosen moment in the week starting `weekStart`, or in the week after when that moment has passed. */
  private nextOccurrence(schedule: ScheduleView, weekStart: DateTime): DateTime {
    const at = weekStart.plus({ days: schedule.weekday - 1, minutes: schedule.minuteOfDay });
    return at.toJSDate() > this.clock.now() ? at : at.plus({ weeks: 1 });
  }

  /** The next reminder and the one a week later. */
  private comingRequests(schedule: ScheduleView): ReminderRequest[] {
    const next = this.nextOccurrence(schedule, weekStartOf(this.clock.now(), schedule.recipient.timeZone));
    return [this.requestAt(schedule, next), this.requestAt(schedule, next.plus({ weeks: 1 }))];
  }

  /** Each schedule with who hears it now: the caregiver, unless the child lives with a parent. */
  private async withRecipients(rows: readonly ScheduleRow[]): Promise<ScheduleView[]> {
    const livingWith = await this.whereabouts.livingWith(rows.map((row) => row.childId));
    const parentIds = [...new Set(livingWith.values())];
    const parents = parentIds.length === 0 ? [] : await this.db.person.findMany({ where: { id: { in: parentIds } }, select: { id: true, timeZone: true } });
    const byId = new Map(parents.map((parent) => [parent.id, parent]));
    return rows.map((row) => {
      const recipient = byId.get(livingWith.get(row.childId) ?? '') ?? row.caregiver;
      return { id: row.id, weekday: row.weekday, minuteOfDay: row.minuteOfDay, caregiver: row.caregiver, recipient, child: row.child };
    });
  }

  private async scheduleAt(schedule: ScheduleView, at: DateTime): Promise<void> {
    await this.reminders.schedule([this.requestAt(schedule, at)]);
  }

  private requestAt(schedule: ScheduleView, at: DateTime): ReminderRequest {
    return {
      subject: subjectOf(schedule.id),
      occurrence: `${WEEKLY_OCCURRENCE}${isoWeekOf(at.toJSDate(), schedule.recipient.timeZone)}`,
      personId: schedule.recipient.id,
      flowId: REMINDER_FLOW,
      vars: { schedule_id: schedule.id },
      at: { localTime: at.toFormat("yyyy-MM-dd'T'HH:mm") },
      toleranceSeconds: WEEKLY_TOLERANCE_SECONDS,
    };
  }
}

export function subjectOf(scheduleId: string): string {
  return `play-schedule:${scheduleId}`;
}
