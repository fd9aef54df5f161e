import { readFile } from 'node:fs/promises';
import { DateTime } from 'luxon';
import { systemClock, type Clock } from '../core/clock.js';
import { deriveSecretKeys } from '../core/secret-keys.js';
import { loadDeploymentSecret } from '../infra/deployment-secret.js';
import { defaultMediaDir, defaultStateDir } from '../paths.js';
import { BroadcastService, type BroadcastAttachment, type BroadcastReport } from '../features/broadcasts/broadcasts.js';
import { MediaIntake, MediaRejectedError } from '../features/updates/media-intake.js';
import { MediaUnavailableError, type MediaFetcher } from '../core/media-fetcher.js';
import { LocalMediaStore } from '../storage/local-media-store.js';
import { FAMILY_INVITE_ROLES, NotCoordinatorError, type FamilyService, type NewChild } from '../features/families/families.js';
import { createFamilyServices } from '../features/families/family-services.js';
import type { InviteGuessGuard } from '../features/families/invite-guess-guard.js';
import type { InviteService, IssuedInvite } from '../features/families/invites.js';
import type { OutboxWriter } from '../core/outbox-writer.js';
import type { Database } from '../storage/prisma.js';
import type { Role } from '../storage/generated/enums.js';

/**
 * What `npm run cli` does, without the command line: each method validates its input, works on the
 * database and returns data. The entry file (kinbridge.ts) parses arguments and prints.
 */

/** A mistake in what the user asked for (unknown cohort, bad date, ...): one line to show them, exit code 2. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

/**
 * The person families are created under when no `--coordinator` is given. Fixed id so every run finds the same
 * row; it has no channel identity, so the bot can never message it or be talked to as it.
 */
export const CLI_PERSON_ID = '00000000-0000-4000-8000-000000000c11';
export const CLI_PERSON_NAME = 'Kinbridge CLI';

/** Same limit as the bot's questions for family and child names (flows/new-family.yaml). */
const MAX_NAME_LENGTH = 80;

/**
 * The CLI only issues invites, and issuing never consults the guess guard. Redeeming must be rate-limited
 * (RedisInviteGuessGuard); this guard makes sure nobody redeems through the CLI's InviteService unlimited.
 */
export const issueOnlyGuessGuard: InviteGuessGuard = {
  async check() {
    throw new Error('This InviteService only issues invites; redeeming needs a RedisInviteGuessGuard');
  },
  async recordFailure() {
    throw new Error('This InviteService only issues invites; redeeming needs a RedisInviteGuessGuard');
  },
};

export interface CohortRef {
  readonly id: string;
  readonly name: string;
}

export interface NewFamilyInput {
  readonly cohort: string;
  readonly name: string;
  readonly children: readonly NewChild[];
  /** A person who coordinates the cohort; when absent, the "Kinbridge CLI" person (made to coordinate it). */
  readonly coordinatorId?: string | undefined;
}

export interface CreatedFamily {
  readonly familyId: string;
  readonly familyName: string;
  readonly cohort: CohortRef;
  readonly coordinator: { readonly id: string; readonly displayName: string };
  readonly children: readonly NewChild[];
  /** One per role in FAMILY_INVITE_ROLES, in that order. */
  readonly invites: readonly IssuedInvite[];
}

export interface CommandOptions {
  /** Hours until an invite expires; the bot's INVITE_TTL_HOURS. */
  readonly inviteTtlHours: number;
  readonly clock?: Clock;
  /** The bot's deployment secret, so the bot recognises the codes the CLI issues (default: the one under .kinbridge/). */
  readonly secret?: string;
  /** The bot's media directory, where a broadcast's photo or voice note is kept for it to send (default under .kinbridge/). */
  readonly mediaDir?: string;
}

export class CoordinatorCommands {
  private readonly clock: Clock;
  private readonly invites: InviteService;
  private readonly families: FamilyService;
  private readonly media: LocalMediaStore;

  constructor(
    private readonly db: Database,
    options: CommandOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    const secret = options.secret ?? loadDeploymentSecret(undefined, defaultStateDir);
    const inviteCodeKey = deriveSecretKeys(secret).inviteCodeKey;
    ({ invites: this.invites, families: this.families } = createFamilyServices({ db, clock: this.clock, guard: issueOnlyGuessGuard, inviteTtlHours: options.inviteTtlHours, inviteCodeKey }));
    this.media = new LocalMediaStore(options.mediaDir ?? defaultMediaDir);
  }

  async createCohort(rawName: string): Promise<CohortRef> {
    const name = requireName(rawName, 'cohort name');
    // Names are what staff type to find a cohort: "Spring 2025" next to "spring 2025" would only confuse.
    const existing = await this.db.cohort.findFirst({ where: { name: { equals: name, mode: 'insensitive' } } });
    if (existing) throw new CommandError(`A cohort named "${existing.name}" already exists`);
    try {
      const cohort = await this.db.cohort.create({ data: { name } });
      return { id: cohort.id, name: cohort.name };
    } catch (error) {
      if (isUniqueViolation(error)) throw new CommandError(`A cohort named "${name}" already exists`);
      throw error;
    }
  }

  /** A single-use invite that makes whoever redeems it a coordinator of the cohort. */
  async inviteCoordinator(cohortName: string): Promise<{ cohort: CohortRef; invite: IssuedInvite }> {
    const cohort = await this.findCohort(cohortName);
    const invite = await this.invites.issue({ role: 'coordinator', cohortId: cohort.id });
    return { cohort, invite };
  }

  async createFamily(input: NewFamilyInput): Promise<CreatedFamily> {
    const family = validateNewFamily(input, this.clock.now());
    const cohort = await this.findCohort(family.cohort);
    const coordinator = family.coordinatorId
      ? await this.requireCoordinator(family.coordinatorId, cohort)
      : await this.cliCoordinatorOf(cohort);
    try {
      const { familyId, invites } = await this.families.create(
        coordinator.id,
        { name: family.name, cohortId: cohort.id, children: family.children },
        { coordinatorJoins: coordinator.id !== CLI_PERSON_ID },
      );
      return { familyId, familyName: family.name, cohort, coordinator, children: family.children, invites };
    } catch (error) {
      // Checked above; only a coordinator removed in between gets here.
      if (error instanceof NotCoordinatorError) throw new CommandError(`${coordinator.displayName} (${coordinator.id}) does not coordinate cohort "${cohort.name}"`);
      throw error;
    }
  }

  /**
   * Writes a broadcast the running bot sends (it fans out due broadcasts every few seconds); a time makes it scheduled.
   * A photo or voice note is checked and cleaned of metadata like any file people send, and kept in the bot's media store.
   */
  async createBroadcast(input: NewBroadcastInput): Promise<{ id: string; recipients: number; byLocale: Record<string, number> }> {
    const cohorts = await Promise.all(input.cohorts.map((name) => this.findCohort(name)));
    const coordinator = await this.cliCoordinatorOf(...cohorts);
    const broadcasts = this.broadcastService();
    const media = input.media ? await this.keepAttachment(input.media.kind, input.media.path) : undefined;
    const draft = await broadcasts.draft(coordinator.id, { cohortIds: cohorts.map((c) => c.id), roles: input.roles, locales: input.locales, texts: input.texts, ...(media ? { media } : {}) });
    if (input.at) await broadcasts.schedule(coordinator.id, draft.id, input.at);
    else await broadcasts.sendNow(coordinator.id, draft.id);
    return draft;
  }

  async broadcastReport(id: string): Promise<BroadcastReport> {
    return this.broadcastService().report(id);
  }

  private broadcastService(): BroadcastService {
    return new BroadcastService(this.db, cliDoesNotSend, this.clock, [], this.media);
  }

  private async keepAttachment(kind: 'photo' | 'voice', file: string): Promise<BroadcastAttachment> {
    try {
      const stored = await new MediaIntake(cliReadsFilesItself, this.media).keep(kind, await readFile(file));
      return { kind, storageKey: stored.storageKey, mimeType: stored.mimeType };
    } catch (error) {
      if (error instanceof MediaRejectedError) throw new CommandError(`${file} cannot be attached: ${error.message}`);
      throw error;
    }
  }

  /** A fresh invite for one role of an existing family, named by its id or its name, e.g. after the first one expired. */
  async inviteToFamily(familyRef: string, rawRole: string): Promise<{ family: { id: string; name: string }; invite: IssuedInvite }> {
    const role = parseFamilyRole(rawRole);
    const family = await this.findFamily(familyRef);
    const invite = await this.invites.issue({ role, familyId: family.id });
    return { family, invite };
  }

  /** A family by id, or by name (ignoring case) when that name is one family's only. */
  private async findFamily(rawRef: string): Promise<{ id: string; name: string }> {
    const ref = rawRef.trim();
    const byId = isUuid(ref) ? await this.db.family.findUnique({ where: { id: ref }, select: { id: true, name: true } }) : null;
    if (byId) return byId;
    const named = ref
      ? await this.db.family.findMany({
          where: { name: { equals: ref, mode: 'insensitive' } },
          select: { id: true, name: true, cohort: { select: { name: true } } },
          orderBy: { createdAt: 'asc' },
        })
      : [];
    if (named.length === 1) return { id: named[0]!.id, name: named[0]!.name };
    if (named.length === 0) throw new CommandError(`No family with id or name "${rawRef}"`);
    const which = named.map((family) => `  ${family.id}  (cohort "${family.cohort?.name ?? 'none'}")`).join('\n');
    throw new CommandError(`${named.length} families are named "${ref}"; say which with --family <id>:\n${which}`);
  }

  private async findCohort(rawName: string): Promise<CohortRef> {
    const name = rawName.trim();
    const cohort = name ? await this.db.cohort.findUnique({ where: { name } }) : null;
    if (cohort) return { id: cohort.id, name: cohort.name };
    const known = await this.db.cohort.findMany({ select: { name: true }, orderBy: { name: 'asc' }, take: 11 });
    const list = known.length === 0 ? 'there are no cohorts yet (create one with: cohort create <name>)' : `known cohorts: ${known.slice(0, 10).map((c) => `"${c.name}"`).join(', ')}${known.length > 10 ? ', ...' : ''}`;
    throw new CommandError(`Unknown cohort "${rawName}"; ${list}`);
  }

  private async requireCoordinator(personId: string, cohort: CohortRef): Promise<{ id: string; displayName: string }> {
    const person = isUuid(personId) ? await this.db.person.findUnique({ where: { id: personId }, select: { id: true, displayName: true } }) : null;
    if (!person) throw new CommandError(`No person with id "${personId}"`);
    const coordinates = await this.db.cohortCoordinator.findUnique({ where: { cohortId_personId: { cohortId: cohort.id, personId } } });
    if (!coordinates) throw new CommandError(`${person.displayName} (${person.id}) does not coordinate cohort "${cohort.name}"`);
    return person;
  }

  /** The "Kinbridge CLI" person, created on first use and made a coordinator of the cohorts. */
  private async cliCoordinatorOf(...cohorts: CohortRef[]): Promise<{ id: string; displayName: string }> {
    const person = await this.db.person.upsert({
      where: { id: CLI_PERSON_ID },
      create: { id: CLI_PERSON_ID, displayName: CLI_PERSON_NAME },
      update: {},
      select: { id: true, displayName: true },
    });
    for (const cohort of cohorts) {
      await this.db.cohortCoordinator.upsert({
        where: { cohortId_personId: { cohortId: cohort.id, personId: person.id } },
        create: { cohortId: cohort.id, personId: person.id },
        update: {},
      });
    }
    return person;
  }
}

/** Checks names and birth dates without touching the database, so the CLI can refuse before connecting. */
export function validateNewFamily(input: NewFamilyInput, now: Date): NewFamilyInput {
  if (input.children.length === 0) throw new CommandError('A family needs at least one child: --child <name> --birth YYYY-MM-DD');
  return {
    cohort: input.cohort,
    name: requireName(input.name, 'family name'),
    coordinatorId: input.coordinatorId,
    children: input.children.map((child) => {
      const name = requireName(child.name, 'child name');
      return {
        name,
        birthDate: parseBirthDate(child.birthDate, name, now),
        kindergarten: optionalName(child.kindergarten, 'kindergarten'),
        className: optionalName(child.className, 'class'),
      };
    }),
  };
}

/** YYYY-MM-DD, a real calendar day, not in the future anywhere on Earth, and not before 1900 (a mistyped year). */
export function parseBirthDate(text: string, childName: string, now: Date): string {
  const problem = (why: string) => new CommandError(`Birth date "${text}" of ${childName} ${why}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw problem('is not in the form YYYY-MM-DD');
  const date = DateTime.fromISO(text, { zone: 'utc' });
  if (!date.isValid) throw problem('is not a calendar date');
  // UTC+14 is where a new day starts first.
  if (text > DateTime.fromJSDate(now).setZone('UTC+14').toISODate()!) throw problem('is in the future');
  if (date.year < 1900) throw problem('is before 1900');
  return text;
}

export function parseFamilyRole(text: string): Role {
  const role = FAMILY_INVITE_ROLES.find((candidate) => candidate === text);
  if (!role) throw new CommandError(`Unknown role "${text}"; a family invite is for one of: ${FAMILY_INVITE_ROLES.join(', ')}`);
  return role;
}

function requireName(text: string, what: string): string {
  const name = text.trim();
  if (!name) throw new CommandError(`The ${what} is empty`);
  if (name.length > MAX_NAME_LENGTH) throw new CommandError(`The ${what} is longer than ${MAX_NAME_LENGTH} characters`);
  return name;
}

function optionalName(text: string | null | undefined, what: string): string | null {
  return text === undefined || text === null || text.trim() === '' ? null : requireName(text, what);
}

function isUuid(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

export interface NewBroadcastInput {
  readonly cohorts: readonly string[];
  readonly roles: readonly Role[];
  readonly locales: readonly string[];
  readonly texts: Readonly<Record<string, string>>;
  readonly media?: { readonly kind: 'photo' | 'voice'; readonly path: string };
  readonly at?: Date;
}

/** The CLI reads the files it is given itself: it never downloads from a platform. */
const cliReadsFilesItself: MediaFetcher = {
  fetch: () => Promise.reject(new MediaUnavailableError('The CLI attaches local files only')),
};

/** The CLI only writes broadcasts; the running bot fans them out and sends them. */
const refuseToSend = (): Promise<never> => Promise.reject(new Error('The CLI does not send messages; the running bot does'));
const cliDoesNotSend: OutboxWriter = { enqueue: refuseToSend, enqueueMany: refuseToSend, enqueueSelected: refuseToSend };
