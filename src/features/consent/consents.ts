import type { Clock } from '../../core/clock.js';
import type { Database } from '../../storage/prisma.js';
import type { ConsentKind } from '../../storage/generated/enums.js';

/**
 * Consent is a history, not a flag: each decision is a row and the newest one is in force,
 * so "who allowed what, and when" can always be answered, and withdrawal is just a newer row.
 */
export class ConsentService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Records the decision for every family the person belongs to; returns how many families it covered. */
  async decide(personId: string, kind: ConsentKind, granted: boolean): Promise<number> {
    const memberships = await this.db.familyMember.findMany({ where: { personId }, select: { familyId: true } });
    if (memberships.length === 0) return 0;
    const decidedAt = this.clock.now();
    await this.db.consent.createMany({
      data: memberships.map(({ familyId }) => ({ personId, familyId, kind, granted, decidedAt })),
    });
    return memberships.length;
  }

  /** The decision in force for one person in one family; no decision is no consent. */
  async isGranted(personId: string, familyId: string, kind: ConsentKind): Promise<boolean> {
    const latest = await this.db.consent.findFirst({ where: { personId, familyId, kind }, orderBy: { decidedAt: 'desc' } });
    return latest?.granted ?? false;
  }
}
