import type { AttentionRaiser } from '../../core/attention.js';
import type { Clock } from '../../core/clock.js';
import type { Database } from '../../storage/prisma.js';

const WEEK_MS = 7 * 86_400_000;
const FAMILY_AT_HOME_AND_AWAY = ['parent', 'caregiver'] as const;

/**
 * A family where nobody at home or away has written to the bot (an answer, a moment, a command) or logged a call for
 * `weeks` weeks becomes a needs-attention item for its coordinators, once while it stays open. Families too new to have
 * been silent that long, and families outside any cohort (nobody to tell), are left alone.
 */
export class SilentFamilies {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly attention: AttentionRaiser,
    private readonly weeks: number,
  ) {}

  /** Raises an item for each silent family; answers how many were new. */
  async sweep(): Promise<number> {
    const since = new Date(this.clock.now().getTime() - this.weeks * WEEK_MS);
    const family = { role: { in: [...FAMILY_AT_HOME_AND_AWAY] } };
    const silent = await this.db.family.findMany({
      where: {
        cohortId: { not: null },
        createdAt: { lt: since },
        members: { some: family, none: { ...family, person: { identities: { some: { lastSeenAt: { gte: since } } } } } },
        callPlans: { none: { calls: { some: { talkedAt: { gte: since } } } } },
      },
      select: { id: true },
    });
    let raised = 0;
    for (const { id } of silent) {
      const item = await this.attention.raise({ kind: 'silent_family', familyId: id, details: { weeks: this.weeks }, dedupeKey: `silent-family:${id}` });
      if (item.raised) raised += 1;
    }
    return raised;
  }
}
