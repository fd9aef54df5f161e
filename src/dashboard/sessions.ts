import type { Clock } from '../core/clock.js';
import { hashToken, newToken } from '../features/dashboard-access/dashboard-links.js';
import type { Database } from '../storage/prisma.js';

/** A signed-in browser lasts a working day, then asks for a new link. */
export const SESSION_TTL_MS = 8 * 3_600_000;

/** Browser sessions: the cookie carries a random token, the database only its hash, so a leak signs nobody in. */
export class DashboardSessions {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async open(personId: string): Promise<{ token: string; expiresAt: Date }> {
    const { token, tokenHash } = newToken();
    const expiresAt = new Date(this.clock.now().getTime() + SESSION_TTL_MS);
    await this.db.dashboardSession.create({ data: { tokenHash, personId, expiresAt } });
    return { token, expiresAt };
  }

  /** The signed-in person, unless the session ended, expired or never was. */
  async personOf(token: string | undefined): Promise<string | undefined> {
    if (!token) return undefined;
    const session = await this.db.dashboardSession.findUnique({ where: { tokenHash: hashToken(token) }, select: { personId: true, expiresAt: true, endedAt: true } });
    if (!session || session.endedAt || session.expiresAt <= this.clock.now()) return undefined;
    return session.personId;
  }

  async end(token: string | undefined): Promise<void> {
    if (!token) return;
    await this.db.dashboardSession.updateMany({ where: { tokenHash: hashToken(token), endedAt: null }, data: { endedAt: this.clock.now() } });
  }
}
