import type { Clock } from '../../core/clock.js';
import type { Database } from '../../storage/prisma.js';
import { FamilyService } from './families.js';
import type { InviteGuessGuard } from './invite-guess-guard.js';
import { InviteService } from './invites.js';

export interface FamilyServiceDeps {
  readonly db: Database;
  readonly clock: Clock;
  /** Rate-limits redeeming (the bot's Redis guard); the CLI, which only issues, passes one that refuses to redeem. */
  readonly guard: InviteGuessGuard;
  readonly inviteTtlHours?: number;
  /** From the deployment secret: the bot and the CLI must hash codes alike. */
  readonly inviteCodeKey: Buffer;
}

/** Invites and families, wired the one way both the bot and the coordinators' CLI use them. */
export function createFamilyServices(deps: FamilyServiceDeps): { invites: InviteService; families: FamilyService } {
  const invites = new InviteService(deps.db, deps.clock, deps.guard, deps.inviteTtlHours ?? 72, deps.inviteCodeKey);
  return { invites, families: new FamilyService(deps.db, invites, deps.clock) };
}
