import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Database } from '../../storage/prisma.js';

/** How long a sign-in link works after it was asked for. */
export const LOGIN_LINK_TTL_MS = 10 * 60_000;

/** Answers whether a person may ask for another link now (Redis-backed in the app, so every process shares one count). */
export interface LinkRequestLimiter {
  allow(personId: string): Promise<boolean>;
}

export type LinkRequest = { readonly outcome: 'issued'; readonly url: string; readonly expiresAt: Date } | { readonly outcome: 'not_staff' | 'too_many' };

/** A random token of 256 bits; only its SHA-256 is stored, so a database leak cannot sign anyone in. */
export function newToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * One-time links into the coordinators' dashboard, asked for in chat (/dashboard) by a coordinator or a teacher (or
 * an admin). A link works once, for ten minutes; redeeming it is the dashboard's side (`redeem`).
 */
export class DashboardLinks {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly limiter: LinkRequestLimiter,
    private readonly loginUrl: (token: string) => string,
    private readonly isAdmin: (personId: string) => boolean,
  ) {}

  async request(personId: string): Promise<LinkRequest> {
    if (!(await this.isStaff(personId))) return { outcome: 'not_staff' };
    if (!(await this.limiter.allow(personId))) return { outcome: 'too_many' };
    const { token, tokenHash } = newToken();
    const expiresAt = new Date(this.clock.now().getTime() + LOGIN_LINK_TTL_MS);
    await this.db.dashboardLoginLink.create({ data: { tokenHash, personId, expiresAt } });
    return { outcome: 'issued', url: this.loginUrl(token), expiresAt };
  }

  /** The person a link signs in, marking it used in the same statement (so two tabs cannot both use it); undefined when unknown, used or expired. */
  async redeem(token: string): Promise<string | undefined> {
    const now = this.clock.now();
    const tokenHash = hashToken(token);
    const { count } = await this.db.dashboardLoginLink.updateMany({ where: { tokenHash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (count === 0) return undefined;
    const link = await this.db.dashboardLoginLink.findUnique({ where: { tokenHash }, select: { personId: true } });
    return link?.personId;
  }

  /** Coordinators of a cohort, teachers of a family, and admins may use the dashboard. */
  async isStaff(personId: string): Promise<boolean> {
    if (this.isAdmin(personId)) return true;
    const [coordinates, teaches] = await Promise.all([
      this.db.cohortCoordinator.count({ where: { personId } }),
      this.db.familyMember.count({ where: { personId, role: 'teacher' } }),
    ]);
    return coordinates + teaches > 0;
  }
}
