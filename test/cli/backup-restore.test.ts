import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreCommand } from '../../src/cli/backup/restore-command.js';
import { photosAllowed } from '../../src/features/updates/photo-consent.js';
import { createStorage } from '../../src/storage/prisma.js';
import { baseEnvironment, runCli } from '../support/cli-process.js';
import { hasText, type FakeUser } from '../support/fake-telegram.js';
import { jpegWithGps } from '../support/media-fixtures.js';
import { startTelegramTestApp, type TelegramTestApp } from '../support/telegram-test-app.js';
import { TEST_DEPLOYMENT_SECRET, type SeededFamily } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';
import { createEmptyTestDatabase, type TestDatabase } from '../support/test-database.js';
import { testRedisUrl } from '../support/test-redis.js';

/**
 * A family's life goes through `backup` and `restore` (real processes, real pg_dump and pg_restore) onto a new,
 * empty deployment, and the restored bot carries on: the photo is there, consent holds, the half-finished
 * conversation continues, the planned call reminder fires.
 */
describe('backup and restore', () => {
  const clock = new TestClock(new Date('2026-11-23T10:00:00Z'));
  const father: FakeUser = { id: 8001, firstName: 'Wei', languageCode: 'en' };
  const grandmother: FakeUser = { id: 8002, firstName: 'Nainai', languageCode: 'en' };
  const teacher: FakeUser = { id: 8003, firstName: 'Ms Lan', languageCode: 'en' };
  let before: TelegramTestApp;
  let after: TelegramTestApp | undefined;
  let family: SeededFamily;
  let restoredDatabase: TestDatabase;
  let scratch: string;
  let backupDir: string;
  let restoredMediaDir: string;

  const cliEnvironment = (databaseUrl: string, mediaDir: string, secret = TEST_DEPLOYMENT_SECRET): NodeJS.ProcessEnv => ({
    ...baseEnvironment(),
    DATABASE_URL: databaseUrl,
    REDIS_URL: testRedisUrl(),
    KINBRIDGE_SECRET: secret,
    KINBRIDGE_DATA_DIR: path.join(scratch, `data-${path.basename(mediaDir)}`),
    KINBRIDGE_MEDIA_DIR: mediaDir,
  });

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'kinbridge-backup-'));
    backupDir = path.join(scratch, 'backup');
    restoredMediaDir = await mkdtemp(path.join(scratch, 'media-'));
    before = await startTelegramTestApp({ clock, reminderSweepEveryMs: 0 });
    family = await before.seedFamily();
    const empty = await createEmptyTestDatabase();
    const storage = createStorage(empty.url);
    restoredDatabase = { ...empty, prisma: storage.db, sql: storage.sql, drop: async () => { await storage.close(); await empty.drop(); } };
  });
  afterAll(async () => {
    await after?.close();
    await before?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('backs up a live deployment: a family with a shared photo, consent, a call plan and a conversation left half-way', async () => {
    const { telegram } = before;
    await before.onboardOnTelegram(grandmother, family.codes.caregiver, { language: 'English', city: 'Hechi', quietHours: '9 pm to 8 am' });
    await telegram.userAnswers(grandmother, 'Which day suits you?', { label: 'Saturday' });
    await telegram.userAnswers(grandmother, 'At what time of day?', { label: '9 am' });
    await telegram.waitForSent(grandmother.id, hasText('Every Saturday at'));
    await before.onboardOnTelegram(father, family.codes.parent, { language: 'English', city: 'Milan', quietHours: '10 pm to 7 am', photos: 'Yes, share with family' });
    await telegram.userAnswers(father, 'How many calls a week', { label: 'Once a week' });
    await telegram.userAnswers(father, 'These times suit both of you', { label: 'Yes, remind me' });
    await telegram.waitForSent(father.id, hasText('I will remind you shortly before each time'));
    telegram.userSendsPhoto(grandmother, { caption: 'A tiger', bytes: await jpegWithGps() });
    await telegram.waitForSent(father.id, (m) => m.method === 'sendPhoto');
    // The teacher stops after choosing her language: the city question waits for her.
    telegram.userSays(teacher, `/start ${family.codes.teacher}`);
    await telegram.userAnswers(teacher, 'Which language', { label: 'English' });
    await telegram.waitForSent(teacher.id, hasText('Which city'));
    await before.app.settled();

    const result = await runCli(['backup', backupDir], cliEnvironment(before.database.url, before.mediaDir));
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`Backup written to ${backupDir}`);
    expect(result.code).toBe(0);

    const manifest = JSON.parse(await readFile(path.join(backupDir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 1, kinbridgeVersion: '0.1.0', secret: { source: 'environment' } });
    expect(manifest.rowCounts).toMatchObject({ Family: 1, Consent: 1, UpdateMedia: 1, CallPlan: 1, PlaySchedule: 1 });
    expect(manifest.rowCounts.ScheduledReminder).toBeGreaterThan(0);
    expect(manifest.migrations).toContain('20261123000000_init');
    const photo = manifest.files.find((file: { path: string }) => file.path.startsWith('media/'));
    const stored = await before.database.prisma.updateMedia.findFirstOrThrow();
    expect(photo).toMatchObject({ path: `media/${stored.storageKey}`, bytes: readFileSync(path.join(before.mediaDir, stored.storageKey)).length });
  });

  it('refuses to back up into a directory that holds anything', async () => {
    const used = await mkdtemp(path.join(scratch, 'used-'));
    await writeFile(path.join(used, 'notes.txt'), 'mine');
    const result = await runCli(['backup', used], cliEnvironment(before.database.url, before.mediaDir));
    expect(result.stderr).toMatch(/is not empty \(notes\.txt\)\. Give a new or empty directory/);
    expect(result.code).toBe(2);
  });

  it('refuses to restore with another deployment secret, or onto a deployment that holds data', async () => {
    const otherSecret = await runCli(['restore', backupDir], cliEnvironment(restoredDatabase.url, restoredMediaDir, 'another-secret-of-at-least-32-characters'));
    expect(otherSecret.stderr).toContain('Set KINBRIDGE_SECRET to the backed-up deployment');
    expect(otherSecret.code).toBe(2);

    const ontoLiveOne = await runCli(['restore', backupDir], cliEnvironment(before.database.url, restoredMediaDir));
    expect(ontoLiveOne.stderr).toMatch(/already holds data \(.*\)\. Restore only goes onto an empty deployment/);
    expect(ontoLiveOne.code).toBe(2);
    expect(await before.database.prisma.family.count()).toBe(1);
  });

  it('refuses a damaged backup, naming the file, and one made by a newer Kinbridge, before touching anything', async () => {
    const copy = path.join(scratch, 'tampered');
    await cp(backupDir, copy, { recursive: true });
    const manifest = JSON.parse(await readFile(path.join(copy, 'manifest.json'), 'utf8'));
    const photo = manifest.files.find((file: { path: string }) => file.path.startsWith('media/')).path;
    await writeFile(path.join(copy, photo), 'not the photo');
    await expect(restoreCommand([copy])).rejects.toThrow(`The backup is damaged: ${photo} is not the file that was backed up`);

    await cp(path.join(backupDir, photo), path.join(copy, photo));
    await writeFile(path.join(copy, 'manifest.json'), JSON.stringify({ ...manifest, migrations: [...manifest.migrations, '20991231000000_from_the_future'] }));
    await expect(restoreCommand([copy])).rejects.toThrow(/made by a newer Kinbridge .*20991231000000_from_the_future\)\. Restore it with that version/);
  });

  it('restores onto an empty deployment, and the bot carries on there', async () => {
    await before.stopApp();
    const result = await runCli(['restore', backupDir], cliEnvironment(restoredDatabase.url, restoredMediaDir));
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('1 families');
    expect(result.code).toBe(0);

    after = await startTelegramTestApp({ clock, reminderSweepEveryMs: 0, database: restoredDatabase, mediaDir: restoredMediaDir });
    const db = after.database.prisma;

    // The photo file is there, byte for byte, and the parents' consent still lets it be shared.
    const media = await db.updateMedia.findFirstOrThrow();
    expect(readFileSync(path.join(restoredMediaDir, media.storageKey))).toEqual(readFileSync(path.join(before.mediaDir, media.storageKey)));
    const child = await db.child.findFirstOrThrow({ where: { familyId: family.familyId } });
    expect(await photosAllowed(db, family.familyId, child.id)).toBe(true);

    // The half-finished conversation continues at the question it waited on.
    after.telegram.userSays(teacher, 'Hechi');
    await after.telegram.waitForSent(teacher.id, hasText('When should I never send you messages?'));

    // The reminders planned before the backup fire on the restored deployment: Saturday's game, Sunday's call.
    const due = await db.scheduledReminder.findFirstOrThrow({ where: { flowId: 'call-nudge', dueAt: { not: null } }, orderBy: { dueAt: 'asc' } });
    clock.set(due.dueAt!);
    expect(await after.app.reminders.sweep()).toBe(2);
    await after.telegram.waitForSent(grandmother.id, hasText("This week's game with Xiaoming"));
    await after.telegram.waitForSent(father.id, hasText('Soon it is a good time to call Xiaoming'));
    expect(existsSync(path.join(restoredMediaDir, media.storageKey))).toBe(true);
  });
});
