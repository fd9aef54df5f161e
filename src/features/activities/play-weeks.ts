import type { Clock } from '../../core/clock.js';
import type { ReminderScheduler } from '../../core/reminders.js';
import type { Prisma } from '../../storage/generated/client.js';
import type { Database } from '../../storage/prisma.js';
import { isoWeekOf } from '../../core/weeks.js';
import type { Curriculum } from './curriculum.js';
import type { PlayScheduleService, ScheduleView } from './play-schedules.js';

/** The flow that tells a parent what their child plays this week. */
export const PARENT_NOTE_FLOW = 'play-parent-note';

export interface AssignmentView {
  readonly id: string;
  readonly week: string;
  readonly activityId: string;
  readonly status: 'pending' | 'done';
  readonly schedule: ScheduleView;
}

export interface ParentAssignmentView {
  readonly id: string;
  readonly activityId: string;
  readonly status: 'pending' | 'done';
  readonly childName: string;
  readonly caregiverName: string;
}

/** Each week's activity: chosen when the caregiver's reminder fires, once per schedule and week. */
export class PlayWeekService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly reminders: ReminderScheduler,
    private readonly schedules: PlayScheduleService,
    private readonly curriculum: Curriculum,
  ) {}

  /**
   * This week's assignment for a schedule (made on first call, the same on "later"), the next week's reminder,
   * and the parents' note of what their child plays.
   */
  async start(schedule: ScheduleView): Promise<AssignmentView> {
    const now = this.clock.now();
    const timeZone = schedule.recipient.timeZone;
    const week = isoWeekOf(now, timeZone);
    const band = this.curriculum.bandOf(schedule.child.birthDate, now);
    const weeksInBand = await this.db.playAssignment.count({ where: { scheduleId: schedule.id, band, week: { not: week } } });
    const { activityId } = this.curriculum.activityOf(band, weeksInBand);
    const row = await this.db.playAssignment.upsert({
      where: { scheduleId_week: { scheduleId: schedule.id, week } },
      create: { scheduleId: schedule.id, week, band, activityId, createdAt: now },
      update: {},
    });
    await this.noteToParents(schedule, row.id, week);
    return { id: row.id, week, activityId: row.activityId, status: row.status, schedule };
  }

  /** An assignment, only for whoever its schedule allows: the caregiver, or the parent the child lives with now. */
  async find(personId: string, assignmentId: string): Promise<AssignmentView | undefined> {
    const row = await this.db.playAssignment.findFirst({ where: { id: assignmentId } });
    const schedule = row && (await this.schedules.find(personId, row.scheduleId));
    if (!row || !schedule) return undefined;
    return { id: row.id, week: row.week, activityId: row.activityId, status: row.status, schedule };
  }

  /** The child's latest activity started in the past week, for a parent of that child; nothing for anyone else. */
  async currentFor(parentId: string, childId: string): Promise<ParentAssignmentView | undefined> {
    const since = new Date(this.clock.now().getTime() - 7 * 86_400_000);
    return this.forParent(parentId, { createdAt: { gte: since }, schedule: { childId } });
  }

  /** An assignment, only for a parent of its child. */
  async findForParent(parentId: string, assignmentId: string): Promise<ParentAssignmentView | undefined> {
    return this.forParent(parentId, { id: assignmentId });
  }

  private async forParent(parentId: string, where: Prisma.PlayAssignmentWhereInput): Promise<ParentAssignmentView | undefined> {
    const row = await this.db.playAssignment.findFirst({
      where: { AND: [where, { schedule: { child: { family: { members: { some: { personId: parentId, role: 'parent' } } } } } }] },
      include: { schedule: { include: { child: { select: { name: true } }, caregiver: { select: { displayName: true } } } } },
      orderBy: { createdAt: 'desc' },
    });
    if (!row) return undefined;
    return { id: row.id, activityId: row.activityId, status: row.status, childName: row.schedule.child.name, caregiverName: row.schedule.caregiver.displayName };
  }

  /** The parents of the assignment's child: whoever the note and progress go to. */
  async parentsOf(schedule: ScheduleView): Promise<string[]> {
    const members = await this.db.familyMember.findMany({ where: { familyId: schedule.child.familyId, role: 'parent' }, select: { personId: true } });
    return members.map((member) => member.personId);
  }

  /**
   * Through the scheduler, so a parent in another time zone reads it after their quiet hours; once per child and
   * week. A parent the child lives with has the reminder itself and needs no note.
   */
  private async noteToParents(schedule: ScheduleView, assignmentId: string, week: string): Promise<void> {
    const at = { instant: this.clock.now() };
    const parents = (await this.parentsOf(schedule)).filter((personId) => personId !== schedule.recipient.id);
    await this.reminders.schedule(
      parents.map((personId) => ({
        subject: `play-child:${schedule.child.id}`,
        occurrence: `note:${week}:${personId}`,
        personId,
        flowId: PARENT_NOTE_FLOW,
        vars: { assignment_id: assignmentId, child_id: schedule.child.id },
        at,
      })),
    );
  }
}
