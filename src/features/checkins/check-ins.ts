import type { Clock } from '../../core/clock.js';
import type { Database } from '../../storage/prisma.js';
import { itemsAt, type InstrumentItem, type MilestoneInstrument } from './instrument.js';
import { scoreCheckIn, type CheckInResult } from './scoring.js';

/** The round of a milestone check-in: one per child and age, shared by the child's caregivers. */
export const MILESTONE_ROUND = '';

/** The item a caregiver is asked next, and where they are in the check-in. */
export interface NextItem {
  readonly item: InstrumentItem;
  readonly number: number;
  readonly count: number;
}

/** A finished check-in with what it says, and whose it is. */
export interface FinishedCheckIn {
  readonly instrument: MilestoneInstrument;
  /** The checklist age it was for. */
  readonly months: number;
  readonly result: CheckInResult;
  readonly child: { readonly id: string; readonly name: string; readonly familyId: string };
  readonly answers: Readonly<Record<string, string>>;
  readonly items: readonly InstrumentItem[];
}

interface OpenCheckIn {
  readonly id: string;
  readonly months: number;
  readonly instrument: MilestoneInstrument;
  readonly items: readonly InstrumentItem[];
  readonly answers: Record<string, string>;
  readonly child: { readonly id: string; readonly name: string; readonly familyId: string };
}

/**
 * Milestone check-ins, answered by a child's caregiver one item at a time over as many days as they like; the
 * answers are saved as they come, so a check-in resumes where it stopped. Only a caregiver of the child's family
 * may start, answer or read one.
 */
export class CheckInService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly instruments: readonly MilestoneInstrument[],
  ) {}

  /** The first instrument with items at that age: the one a check-in at `months` uses. */
  instrumentAt(months: number): MilestoneInstrument | undefined {
    return this.instruments.find((instrument) => itemsAt(instrument, months));
  }

  /** Every checklist age any instrument covers, youngest first. */
  checklistAges(): number[] {
    return [...new Set(this.instruments.flatMap((instrument) => instrument.ages.map((age) => age.months)))].sort((a, b) => a - b);
  }

  /** Starts the check-in of `childId` at `months`, or finds the one begun earlier; undefined for anyone but a caregiver. */
  async begin(caregiverId: string, childId: string, months: number): Promise<{ checkInId: string; childName: string } | undefined> {
    const instrument = this.instrumentAt(months);
    const child = await this.db.child.findFirst({ where: { id: childId, family: { members: { some: { personId: caregiverId, role: 'caregiver' } } } }, select: { id: true, name: true } });
    if (!instrument || !child) return undefined;
    const row = await this.db.checkIn.upsert({
      where: { childId_instrumentId_ageMonths_round: { childId, instrumentId: instrument.id, ageMonths: months, round: MILESTONE_ROUND } },
      create: { childId, respondentId: caregiverId, instrumentId: instrument.id, instrumentVersion: instrument.version, ageMonths: months, startedAt: this.clock.now() },
      update: {},
    });
    return { checkInId: row.id, childName: child.name };
  }

  /** The first item not answered yet; undefined when every item has its answer. */
  async next(caregiverId: string, checkInId: string): Promise<NextItem | undefined | 'gone'> {
    const open = await this.open(caregiverId, checkInId);
    if (!open) return 'gone';
    const index = open.items.findIndex((item) => open.answers[item.id] === undefined);
    return index < 0 ? undefined : { item: open.items[index]!, number: index + 1, count: open.items.length };
  }

  /** Saves the answer to the item asked now (the first unanswered one). */
  async answer(caregiverId: string, checkInId: string, answer: string): Promise<'saved' | 'gone'> {
    const open = await this.open(caregiverId, checkInId);
    const item = open?.items.find((candidate) => open.answers[candidate.id] === undefined);
    if (!open || !item || !open.instrument.answers.includes(answer)) return 'gone';
    await this.db.checkIn.update({ where: { id: checkInId }, data: { answers: { ...open.answers, [item.id]: answer } } });
    return 'saved';
  }

  /** Scores a check-in whose items are all answered and keeps the result; undefined while items are left. */
  async finish(caregiverId: string, checkInId: string): Promise<FinishedCheckIn | undefined> {
    const open = await this.open(caregiverId, checkInId);
    if (!open || open.items.some((item) => open.answers[item.id] === undefined)) return undefined;
    const result = scoreCheckIn(open.instrument, open.items, open.answers);
    await this.db.checkIn.update({ where: { id: checkInId }, data: { score: result.score, concern: result.concern, completedAt: this.clock.now() } });
    return { instrument: open.instrument, months: open.months, result, child: open.child, answers: open.answers, items: open.items };
  }

  /** A finished check-in as a parent of the child may read it; undefined for anyone else. */
  async forParent(parentId: string, checkInId: string): Promise<FinishedCheckIn | undefined> {
    const found = await this.load(checkInId, parentId, 'parent', true);
    return found && { ...found, result: scoreCheckIn(found.instrument, found.items, found.answers) };
  }

  private open(caregiverId: string, checkInId: string): Promise<OpenCheckIn | undefined> {
    return this.load(checkInId, caregiverId, 'caregiver', false);
  }

  /** A check-in of a child in whose family `personId` holds `role`, finished or still open; undefined otherwise. */
  private async load(checkInId: string, personId: string, role: 'parent' | 'caregiver', finished: boolean): Promise<OpenCheckIn | undefined> {
    const row = await this.db.checkIn.findFirst({
      where: { id: checkInId, completedAt: finished ? { not: null } : null, child: { family: { members: { some: { personId, role } } } } },
      include: { child: { select: { id: true, name: true, familyId: true } } },
    });
    const instrument = this.instruments.find((candidate) => candidate.id === row?.instrumentId);
    const items = instrument && row ? itemsAt(instrument, row.ageMonths) : undefined;
    if (!row || !instrument || !items) return undefined;
    return { id: row.id, months: row.ageMonths, instrument, items, answers: { ...(row.answers as Record<string, string>) }, child: row.child };
  }
}
