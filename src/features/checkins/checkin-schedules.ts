import { DateTime } from 'luxon';
import type { Clock } from '../../core/clock.js';
import type { ReminderScheduler } from '../../core/reminders.js';
import type { Database } from '../../storage/prisma.js';
import type { CheckInService } from './check-ins.js';
import { CHECKIN_FLOW } from './checkin-events.js';

/** The caregiver hears of a due check-in at this local time (moved past their quiet hours by the scheduler). */
const ASK_AT_LOCAL = 'T10:00';
/** A check-in stays due this many months after the age it is for; later it would describe an older child. */
const DUE_FOR_MONTHS = 2;

/**
 * When a child reaches a checklist age (2, 2½, 3, 4, 5 years), each of its caregivers is asked the next morning, in
 * their own time zone; asked once per age, and not at all once a check-in for that age has begun.
 */
export class CheckInSchedules {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly reminders: ReminderScheduler,
    private readonly checkIns: CheckInService,
  ) {}

  async keepScheduled(): Promise<number> {
    const now = DateTime.fromJSDate(this.clock.now(), { zone: 'utc' });
    const ages = this.checkIns.checklistAges();
    const children = await this.db.child.findMany({
      where: { birthDate: { lte: now.minus({ months: Math.min(...ages) }).toJSDate(), gt: now.minus({ months: Math.max(...ages) + DUE_FOR_MONTHS }).toJSDate() } },
      select: { id: true, birthDate: true, checkIns: { select: { ageMonths: true } }, family: { select: { members: { where: { role: 'caregiver' }, select: { person: { select: { id: true, timeZone: true } } } } } } },
    });
    let scheduled = 0;
    for (const child of children) {
      const months = Math.floor(now.diff(DateTime.fromJSDate(child.birthDate, { zone: 'utc' }), 'months').months);
      const due = ages.find((age) => months >= age && months < age + DUE_FOR_MONTHS && !child.checkIns.some((checkIn) => checkIn.ageMonths === age));
      if (due === undefined) continue;
      scheduled += await this.reminders.schedule(
        child.family.members.map(({ person }) => ({
          subject: `checkin:${child.id}:${person.id}`,
          occurrence: `age:${due}`,
          personId: person.id,
          flowId: CHECKIN_FLOW,
          vars: { child_id: child.id, months: due },
          at: { localTime: `${DateTime.fromJSDate(this.clock.now(), { zone: person.timeZone }).plus({ days: 1 }).toISODate()}${ASK_AT_LOCAL}` },
        })),
      );
    }
    return scheduled;
  }

  /** Asks again tomorrow morning: a check-in left half done goes on where it stopped. */
  async resumeTomorrow(caregiverId: string, timeZone: string, childId: string, months: number): Promise<void> {
    const tomorrow = DateTime.fromJSDate(this.clock.now(), { zone: timeZone }).plus({ days: 1 }).toISODate();
    await this.reminders.schedule([
      { subject: `checkin:${childId}:${caregiverId}`, occurrence: `resume:${months}:${tomorrow}`, personId: caregiverId, flowId: CHECKIN_FLOW, vars: { child_id: childId, months }, at: { localTime: `${tomorrow}${ASK_AT_LOCAL}` } },
    ]);
  }
}
