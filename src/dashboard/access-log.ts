import type { Clock } from '../core/clock.js';
import type { Database } from '../storage/prisma.js';

export type AccessView = 'family' | 'photo' | 'attention';

/** Writes down each view of a family's or child's data: who, what, when (kept for the programme's own audits). */
export class AccessLog {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async record(viewerId: string, view: AccessView, familyId: string, childId?: string | null): Promise<void> {
    await this.db.dashboardAccessLog.create({ data: { viewerId, view, familyId, childId: childId ?? null, at: this.clock.now() } });
  }
}
