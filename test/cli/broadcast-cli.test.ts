import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import exifr from 'exifr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { jpegWithGps, pdfBytes } from '../support/media-fixtures.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';
import { testRedisUrl } from '../support/test-redis.js';

/** `npm run cli -- broadcast` as a real process, while a bot runs on the same database and sends what it writes. */
describe('broadcast from the command line', () => {
  let t: TestApp;
  let family: SeededFamily;

  beforeAll(async () => {
    t = await startTestApp({ broadcastCheckEveryMs: 200 });
    family = await t.seedFamily('Zhou family');
    await t.channel.say('zhou-papa', `/start ${family.codes.parent}`);
    await t.channel.tap('zhou-papa', 'en');
    await t.channel.say('zhou-nainai', `/start ${family.codes.caregiver}`);
    await t.channel.tap('zhou-nainai', 'zh-CN');
  });
  afterAll(() => t.close());

  const cli = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/cli/kinbridge.ts', ...args],
        { cwd: projectRoot, env: { ...process.env, DATABASE_URL: t.database.url, REDIS_URL: testRedisUrl(), DEFAULT_LOCALE: 'en', KINBRIDGE_MEDIA_DIR: t.mediaDir }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
      );
    });

  it('writes the announcement, waits while the bot sends it, and reports', async () => {
    const cohort = await t.database.prisma.cohort.findUniqueOrThrow({ where: { id: family.cohortId } });
    const result = await cli('broadcast', '--cohort', cohort.name, '--role', 'parent', '--role', 'caregiver', '--text', 'No school on Monday.', '--text', 'zh-CN=周一不上学。');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Sending [');
    expect(result.stdout).toMatch(/to 2 people \((en 1, zh-CN 1|zh-CN 1, en 1)\): 2 delivered, 0 failed, 0 blocked the bot, 0 opted out\./);
    expect(t.channel.textsTo('zhou-papa')).toContain('No school on Monday.');
    expect(t.channel.textsTo('zhou-nainai')).toContain('周一不上学。');
  });

  it('keeps an attached photo in the bot’s media store without its GPS position, and refuses a file that is no photo', async () => {
    const cohort = await t.database.prisma.cohort.findUniqueOrThrow({ where: { id: family.cohortId } });
    const folder = mkdtempSync(path.join(tmpdir(), 'kinbridge-cli-photo-'));
    writeFileSync(path.join(folder, 'sports-day.jpg'), await jpegWithGps());
    writeFileSync(path.join(folder, 'not-a-photo.jpg'), pdfBytes());

    const refused = await cli('broadcast', '--cohort', cohort.name, '--text', 'Look!', '--photo', path.join(folder, 'not-a-photo.jpg'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/not-a-photo\.jpg cannot be attached: A photo must be one of image\/jpeg, image\/png, image\/webp; got application\/pdf/);

    const sent = await cli('broadcast', '--cohort', cohort.name, '--role', 'parent', '--text', 'Sports day!', '--photo', path.join(folder, 'sports-day.jpg'));
    expect(sent.code).toBe(0);
    const broadcast = await t.database.prisma.broadcast.findFirstOrThrow({ where: { texts: { equals: { en: 'Sports day!' } } } });
    const { storageKey } = broadcast.media as { storageKey: string };
    expect(await exifr.gps(readFileSync(path.join(t.mediaDir, storageKey)))).toBeUndefined();
    expect(t.channel.textsTo('zhou-papa')).toContain('Sports day!');
  });

  it('refuses bad input with one line and exit code 2', async () => {
    expect((await cli('broadcast', '--text', 'hi')).code).toBe(2);
    const unknown = await cli('broadcast', '--cohort', 'Atlantis', '--text', 'hi');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown cohort "Atlantis"/);
  });
});
