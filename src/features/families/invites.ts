import type { Clock } from '../../core/clock.js';
import type { Database } from '../../storage/prisma.js';
import type { Role } from '../../storage/generated/enums.js';
import { generateInviteCode, hashInviteCode, normaliseInviteCode } from './invite-code.js';
import type { InviteGuessGuard } from './invite-guess-guard.js';
import type { StrangerCodeCheck } from '../../core/people.js';

export interface IssuedInvite {
  readonly code: string;
  readonly role: Role;
  readonly expiresAt: Date;
}

export type Redemption =
  | { readonly outcome: 'joined'; readonly familyId: string; readonly familyName: string; readonly role: Role }
  | { readonly outcome: 'joined_coordinator'; readonly cohortName: string }
  | { readonly outcome: 'already_member'; readonly familyName: string }
  | { readonly outcome: 'invalid' | 'expired' | 'used' }
  | { readonly outcome: 'rate_limited'; readonly retryAfterMinutes: number };

/** What a stranger's text is worth: `not_a_code` does not even look like a code, so it is no guess. */

/** Single-use, expiring invites: the only way into a family or a cohort. */
export class InviteService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly guard: InviteGuessGuard,
    private readonly ttlHours: number,
    /** The HMAC key of invite hashes (from the deployment secret). */
    private readonly codeKey: Buffer,
  ) {}

  async issue(target: { role: Role; familyId?: string; cohortId?: string; createdById?: string }): Promise<IssuedInvite> {
    const code = generateInviteCode();
    const expiresAt = new Date(this.clock.now().getTime() + this.ttlHours * 3_600_000);
    await this.db.invite.create({ data: { codeHash: hashInviteCode(code, this.codeKey), expiresAt, ...target } });
    return { code, role: target.role, expiresAt };
  }

  /** Every failure counts against the person's guess budget, whether the code was wrong, stale or spent. */
  async redeem(personId: string, typed: string): Promise<Redemption> {
    const limit = await this.guard.check(personId);
    if (!limit.allowed) return { outcome: 'rate_limited', retryAfterMinutes: limit.retryAfterMinutes };
    const result = await this.tryRedeem(personId, typed);
    if (result.outcome === 'invalid' || result.outcome === 'expired' || result.outcome === 'used') {
      await this.guard.recordFailure(personId);
    }
    return result;
  }

  /**
   * For someone the bot does not know yet (no person row): would `typed` let them join now? Nothing is redeemed;
   * wrong, stale and spent codes count against `guesser`'s guess budget like a person's.
   */
  async checkStrangerCode(guesser: string, typed: string): Promise<StrangerCodeCheck> {
    const code = normaliseInviteCode(typed);
    if (!code) return 'not_a_code';
    const budget = `stranger:${guesser}`;
    if (!(await this.guard.check(budget)).allowed) return 'rate_limited';
    const invite = await this.db.invite.findUnique({ where: { codeHash: hashInviteCode(code, this.codeKey) }, select: { redeemedAt: true, expiresAt: true } });
    const check = !invite ? 'invalid' : invite.redeemedAt ? 'used' : invite.expiresAt <= this.clock.now() ? 'expired' : 'valid';
    if (check !== 'valid') await this.guard.recordFailure(budget);
    return check;
  }

  private async tryRedeem(personId: string, typed: string): Promise<Redemption> {
    const code = normaliseInviteCode(typed);
    if (!code) return { outcome: 'invalid' };
    const codeHash = hashInviteCode(code, this.codeKey);
    const invite = await this.db.invite.findUnique({ where: { codeHash }, include: { family: true, cohort: true } });
    if (!invite) return { outcome: 'invalid' };
    if (invite.familyId && invite.family) {
      const member = await this.db.familyMember.findUnique({ where: { familyId_personId: { familyId: invite.familyId, personId } } });
      // Someone already in the family keeps the code unspent for the relative it was meant for.
      if (member) return { outcome: 'already_member', familyName: invite.family.name };
    }
    if (invite.redeemedAt) return { outcome: 'used' };
    const now = this.clock.now();
    if (invite.expiresAt <= now) return { outcome: 'expired' };

    return this.db.$transaction(async (tx) => {
      // The conditional update is the single-use guarantee: of two people racing, one updates a row.
      const claimed = await tx.invite.updateMany({
        where: { id: invite.id, redeemedAt: null, expiresAt: { gt: now } },
        data: { redeemedAt: now, redeemedById: personId },
      });
      if (claimed.count === 0) return { outcome: 'used' } as const;
      if (invite.role === 'coordinator' && invite.cohort) {
        await tx.cohortCoordinator.upsert({
          where: { cohortId_personId: { cohortId: invite.cohort.id, personId } },
          create: { cohortId: invite.cohort.id, personId },
          update: {},
        });
        return { outcome: 'joined_coordinator', cohortName: invite.cohort.name } as const;
      }
      if (!invite.family) return { outcome: 'invalid' } as const;
      await tx.familyMember.create({ data: { familyId: invite.family.id, personId, role: invite.role } });
      return { outcome: 'joined', familyId: invite.family.id, familyName: invite.family.name, role: invite.role } as const;
    });
  }
}
