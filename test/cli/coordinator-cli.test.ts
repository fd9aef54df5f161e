import { execFile } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_PERSON_ID, CommandError, CoordinatorCommands, issueOnlyGuessGuard } from '../../src/cli/coordinator-commands.js';
import { systemClock } from '../../src/core/clock.js';
import { deriveSecretKeys } from '../../src/core/secret-keys.js';
import { FamilyService } from '../../src/features/families/families.js';
import { RedisInviteGuessGuard } from '../../src/features/families/invite-guess-guard.js';
import { InviteService } from '../../src/features/families/invites.js';
import { projectRoot } from '../../src/paths.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { testRedisUrl, uniquePrefix } from '../support/test-redis.js';

/** The bot and the CLI share the deployment secret, or the bot would not recognise the CLI's codes. */
const SECRET = 'coordinator-cli-test-secret-of-32-characters';
const inviteCodeKey = deriveSecretKeys(SECRET).inviteCodeKey;

describe('coordinator CLI', () => {
  let database: TestDatabase;
  let redis: Redis;
  let commands: CoordinatorCommands;
  /** Redeems the way the bot does, rate limit included. */
  let bot: InviteService;
  let people = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    commands = new CoordinatorCommands(database.prisma, { inviteTtlHours: 72, secret: SECRET });
    bot = new InviteService(database.prisma, systemClock, new RedisInviteGuessGuard(redis, `${uniquePrefix('cli')}:`), 72, inviteCodeKey);
  });
  afterAll(async () => {
    redis?.disconnect();
    await database?.drop();
  });

  const newPerson = async () => (await database.prisma.person.create({ data: { displayName: `Person ${++people}` } })).id;
  const commandError = (message: string | RegExp) => expect.objectContaining({ name: 'CommandError', message: expect.stringMatching(message) });

  it('creates a cohort once and refuses the same name again, in any case', async () => {
    const cohort = await commands.createCohort('  Hechi 2025 ');
    expect(cohort.name).toBe('Hechi 2025');
    expect(await database.prisma.cohort.findUnique({ where: { id: cohort.id } })).toMatchObject({ name: 'Hechi 2025' });

    await expect(commands.createCohort('Hechi 2025')).rejects.toEqual(commandError(/^A cohort named "Hechi 2025" already exists$/));
    await expect(commands.createCohort('hechi 2025')).rejects.toBeInstanceOf(CommandError);
    await expect(commands.createCohort('   ')).rejects.toBeInstanceOf(CommandError);
    expect(await database.prisma.cohort.count({ where: { name: { equals: 'hechi 2025', mode: 'insensitive' } } })).toBe(1);
  });

  it('issues a coordinator invite that makes its redeemer a coordinator of the cohort, once', async () => {
    const cohort = await commands.createCohort('Coordinated cohort');
    const { invite } = await commands.inviteCoordinator('Coordinated cohort');
    expect(invite.role).toBe('coordinator');
    expect(invite.code).toMatch(/^\d{15}$/);
    expect(invite.expiresAt.getTime() - Date.now()).toBeGreaterThan(71 * 3_600_000);

    const newCoordinator = await newPerson();
    expect(await bot.redeem(newCoordinator, invite.code)).toEqual({ outcome: 'joined_coordinator', cohortName: 'Coordinated cohort' });
    expect(await database.prisma.cohortCoordinator.findUnique({ where: { cohortId_personId: { cohortId: cohort.id, personId: newCoordinator } } })).not.toBeNull();
    expect(await bot.redeem(await newPerson(), invite.code)).toEqual({ outcome: 'used' });

    await expect(commands.inviteCoordinator('No such cohort')).rejects.toEqual(commandError(/^Unknown cohort "No such cohort"; known cohorts: .*"Coordinated cohort"/));
  });

  it('creates a family with its children and three working invites, under the "Kinbridge CLI" coordinator', async () => {
    const cohort = await commands.createCohort('Family cohort');
    const created = await commands.createFamily({
      cohort: 'Family cohort',
      name: 'Wang family',
      children: [
        { name: 'Xiaoming', birthDate: '2021-05-03', className: 'Sunflower', kindergarten: 'Hechi No. 2' },
        { name: 'Xiaohong', birthDate: '2023-02-28' },
      ],
    });
    expect(created.invites.map((invite) => invite.role)).toEqual(['parent', 'caregiver', 'teacher']);
    expect(created.coordinator).toEqual({ id: CLI_PERSON_ID, displayName: 'Kinbridge CLI' });

    const children = await database.prisma.child.findMany({ where: { familyId: created.familyId }, orderBy: { birthDate: 'asc' } });
    expect(children).toEqual([
      expect.objectContaining({ name: 'Xiaoming', birthDate: new Date('2021-05-03T00:00:00Z'), className: 'Sunflower', kindergarten: 'Hechi No. 2', cohortId: cohort.id }),
      expect.objectContaining({ name: 'Xiaohong', birthDate: new Date('2023-02-28T00:00:00Z'), className: null, kindergarten: null, cohortId: cohort.id }),
    ]);

    for (const invite of created.invites) {
      expect(await bot.redeem(await newPerson(), invite.code)).toEqual({ outcome: 'joined', familyId: created.familyId, familyName: 'Wang family', role: invite.role });
    }
    // The system person coordinates the cohort but is no member: /family does not list it, broadcasts do not count it.
    const members = await database.prisma.familyMember.findMany({ where: { familyId: created.familyId } });
    expect(members.map((member) => member.role).sort()).toEqual(['caregiver', 'parent', 'teacher']);
    const [summary] = await new FamilyService(database.prisma, bot, systemClock).summariesFor(members[0]!.personId, created.familyId);
    expect(summary!.members.map((member) => member.displayName)).not.toContain('Kinbridge CLI');

    // A second family reuses the same system person rather than making another.
    await commands.createFamily({ cohort: 'Family cohort', name: 'Li family', children: [{ name: 'Lele', birthDate: '2022-01-01' }] });
    expect(await database.prisma.person.count({ where: { displayName: 'Kinbridge CLI' } })).toBe(1);
  });

  it('creates a family under a given coordinator only if they coordinate the cohort', async () => {
    const cohort = await commands.createCohort('Staffed cohort');
    const coordinator = await newPerson();
    await database.prisma.cohortCoordinator.create({ data: { cohortId: cohort.id, personId: coordinator } });
    const family = { cohort: 'Staffed cohort', name: 'Zhang family', children: [{ name: 'Dudu', birthDate: '2020-12-31' }] };

    const created = await commands.createFamily({ ...family, coordinatorId: coordinator });
    expect(created.coordinator.id).toBe(coordinator);
    expect(await database.prisma.familyMember.findFirst({ where: { familyId: created.familyId, role: 'coordinator' } })).toMatchObject({ personId: coordinator });

    const outsider = await newPerson();
    await expect(commands.createFamily({ ...family, coordinatorId: outsider })).rejects.toEqual(commandError(/does not coordinate cohort "Staffed cohort"/));
    await expect(commands.createFamily({ ...family, coordinatorId: 'not-a-uuid' })).rejects.toEqual(commandError(/^No person with id "not-a-uuid"$/));
  });

  it('refuses bad birth dates and unknown cohorts without creating anything', async () => {
    await commands.createCohort('Strict cohort');
    const families = await database.prisma.family.count();
    const withBirth = (birthDate: string) => commands.createFamily({ cohort: 'Strict cohort', name: 'Chen family', children: [{ name: 'Niuniu', birthDate }] });

    await expect(withBirth('2021-02-30')).rejects.toEqual(commandError(/^Birth date "2021-02-30" of Niuniu is not a calendar date$/));
    await expect(withBirth('2021-5-3')).rejects.toEqual(commandError(/not in the form YYYY-MM-DD/));
    await expect(withBirth('03/05/2021')).rejects.toEqual(commandError(/not in the form YYYY-MM-DD/));
    await expect(withBirth('2999-01-01')).rejects.toEqual(commandError(/is in the future/));
    await expect(withBirth('0221-01-01')).rejects.toEqual(commandError(/before 1900/));
    await expect(commands.createFamily({ cohort: 'Strict cohort', name: 'Chen family', children: [] })).rejects.toBeInstanceOf(CommandError);
    await expect(
      commands.createFamily({ cohort: 'Nowhere', name: 'Chen family', children: [{ name: 'Niuniu', birthDate: '2021-03-05' }] }),
    ).rejects.toEqual(commandError(/^Unknown cohort "Nowhere"/));
    expect(await database.prisma.family.count()).toBe(families);
  });

  it('issues a fresh invite for an existing family and refuses unknown families and roles', async () => {
    await commands.createCohort('Reissue cohort');
    const { familyId } = await commands.createFamily({ cohort: 'Reissue cohort', name: 'Liu family', children: [{ name: 'Tiantian', birthDate: '2022-06-01' }] });

    const { family, invite } = await commands.inviteToFamily(familyId, 'caregiver');
    expect(family).toEqual({ id: familyId, name: 'Liu family' });
    expect(await bot.redeem(await newPerson(), invite.code)).toMatchObject({ outcome: 'joined', familyId, role: 'caregiver' });

    await expect(commands.inviteToFamily('00000000-0000-4000-8000-000000000000', 'parent')).rejects.toEqual(commandError(/^No family with id/));
    await expect(commands.inviteToFamily('Zhao family', 'parent')).rejects.toEqual(commandError(/^No family with id or name "Zhao family"$/));
    await expect(commands.inviteToFamily(familyId, 'coordinator')).rejects.toEqual(commandError(/^Unknown role "coordinator"/));
    await expect(commands.inviteToFamily(familyId, 'grandma')).rejects.toBeInstanceOf(CommandError);
  });

  it('finds a family by its name for a fresh invite, and lists the ids when two share it', async () => {
    await commands.createCohort('Named cohort');
    const { familyId } = await commands.createFamily({ cohort: 'Named cohort', name: 'Zhou family', children: [{ name: 'Lele', birthDate: '2022-06-01' }] });
    const { family, invite } = await commands.inviteToFamily(' zhou FAMILY ', 'parent');
    expect(family).toEqual({ id: familyId, name: 'Zhou family' });
    expect(await bot.redeem(await newPerson(), invite.code)).toMatchObject({ outcome: 'joined', familyId, role: 'parent' });

    const { familyId: twinId } = await commands.createFamily({ cohort: 'Named cohort', name: 'Zhou family', children: [{ name: 'Nannan', birthDate: '2021-02-01' }] });
    const refused = commands.inviteToFamily('Zhou family', 'caregiver');
    await expect(refused).rejects.toEqual(commandError(/^2 families are named "Zhou family"; say which with --family <id>:/));
    await expect(refused).rejects.toThrow(new RegExp(`${familyId}[\\s\\S]*${twinId}`));
  });

  it("never redeems through the CLI's invite service (it has no rate limit)", async () => {
    await commands.createCohort('Guarded cohort');
    const { invite } = await commands.inviteCoordinator('Guarded cohort');
    const issueOnly = new InviteService(database.prisma, systemClock, issueOnlyGuessGuard, 72, inviteCodeKey);
    await expect(issueOnly.redeem(await newPerson(), invite.code)).rejects.toThrow(/only issues invites/);
  });

  describe('as a real process', () => {
    const cli = (...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          'npx',
          ['tsx', 'src/cli/kinbridge.ts', ...args],
          { cwd: projectRoot, env: { ...process.env, DATABASE_URL: database.url, REDIS_URL: testRedisUrl(), KINBRIDGE_SECRET: SECRET }, timeout: 45_000 },
          (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
        );
      });

    it('prints a family with three codes grouped in threes, and exits 0', async () => {
      await commands.createCohort('Process cohort');
      const result = await cli('family', 'create', '--cohort', 'Process cohort', '--name', 'Huang family', '--child', 'Beibei', '--birth', '2021-09-09', '--class', 'Little stars');
      expect(result.stderr).not.toMatch(/Error|at .*\.ts:\d+/);
      expect(result.code).toBe(0);
      const codes = [...result.stdout.matchAll(/^ {2}(parent|caregiver|teacher) +(\d{3} \d{3} \d{3} \d{3} \d{3})$/gm)];
      expect(codes.map((match) => match[1])).toEqual(['parent', 'caregiver', 'teacher']);
      expect(result.stdout).toContain('/start <code>');

      const parentCode = codes[0]![2]!;
      expect(await bot.redeem(await newPerson(), parentCode)).toMatchObject({ outcome: 'joined', familyName: 'Huang family', role: 'parent' });
    });

    it('exits 2 with one line and no stack trace for an unknown cohort', async () => {
      const result = await cli('coordinator', 'invite', '--cohort', 'Atlantis');
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      const lines = result.stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('npm warn'));
      expect(lines).toEqual([expect.stringMatching(/^Unknown cohort "Atlantis"; known cohorts: /)]);
    });
  });
});
