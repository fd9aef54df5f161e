import { DateTime } from 'luxon';
import type { Clock } from '../../core/clock.js';
import type { ReminderRequest, ReminderScheduler } from '../../core/reminders.js';
import type { Database } from '../../storage/prisma.js';
import type { WellbeingInstrument } from './instrument.js';
import { WELLBEING_FLOW } from './checkin-events.js';
import type { WellbeingCheckIns } from './wellbeing-check-ins.js';

/** The month a wellbeing check-in is for, as its round and the flow's `month` variable say it. */
const MONTH_FORMAT = 'yyyy-MM';

/**
 * Keeps every respondent's monthly wellbeing check-ins scheduled, this month's and next month's, on the instrument's
 * day and time of the person's own clock (the scheduler moves it past their quiet hours and follows them when they
 * move). Run by the feature's recurring job, so it goes on after /stop and /start (the engine sends nothing to a
 * person who stopped); a person who said "don't ask me this" is left out and their pending reminders cancelled.
 */
export class WellbeingSchedules {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly reminders: ReminderScheduler,
    private readonly checkIns: WellbeingCheckIns,
  ) {}

  async keepScheduled(): Promise<number> {
    let scheduled = 0;
    for (const instrument of this.checkIns.instruments) scheduled += await this.reminders.schedule(await this.requestsFor(instrument));
    return scheduled;
  }

  /** "Don't ask me this": what was already scheduled goes too. */
  async optOut(personId: string, instrumentId: string): Promise<void> {
    await this.checkIns.optOut(personId, instrumentId);
    await this.reminders.cancel(subjectOf(instrumentId, personId));
  }

  private async requestsFor(instrument: WellbeingInstrument): Promise<ReminderRequest[]> {
    const members = await this.db.familyMember.findMany({
      where: { role: instrument.respondent, person: { checkInOptOuts: { none: { instrumentId: instrument.id } } } },
      select: { person: { select: { id: true, timeZone: true } }, family: { select: { children: { select: { id: true } } } } },
    });
    return members.flatMap(({ person, family }) =>
      this.comingMonths(instrument, person.timeZone).flatMap((month) =>
        family.children.map((child) => ({
          subject: subjectOf(instrument.id, person.id),
          occurrence: `${child.id}:${month}`,
          personId: person.id,
          flowId: WELLBEING_FLOW,
          vars: { instrument_id: instrument.id, child_id: child.id, month },
          at: { localTime: `${month}-${String(instrument.recurrence.day).padStart(2, '0')}T${instrument.recurrence.at}` },
        })),
      ),
    );
  }

  /** This month (unless its day and time have passed on the person's clock) and next month. */
  private comingMonths(instrument: WellbeingInstrument, timeZone: string): string[] {
    const now = DateTime.fromJSDate(this.clock.now(), { zone: timeZone });
    const [hour, minute] = instrument.recurrence.at.split(':').map(Number);
    const thisMonths = now.set({ day: instrument.recurrence.day, hour: hour!, minute: minute!, second: 0, millisecond: 0 });
    const months = thisMonths > now ? [now, now.plus({ months: 1 })] : [now.plus({ months: 1 })];
    return months.map((month) => month.toFormat(MONTH_FORMAT));
  }
}

function subjectOf(instrumentId: string, personId: string): string {
  return `wellbeing:${instrumentId}:${personId}`;
}
