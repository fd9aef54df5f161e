import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/cli/doctor/doctor-command.js';
import { findFreePort } from '../../src/infra/free-port.js';
import { startLocalRedis, type LocalRedis } from '../../src/infra/local-redis.js';
import { findOnPath } from '../../src/infra/system-tools.js';
import { baseEnvironment, runCli } from '../support/cli-process.js';
import { FakeTelegram } from '../support/fake-telegram.js';
import { createEmptyTestDatabase, createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** `npm run cli -- doctor` against real PostgreSQL and Redis servers: one deployment set up right, one set up wrong in every way it checks. */

interface ReportLine {
  readonly outcome: string;
  readonly finding: string;
  readonly fix?: string;
}

/** "FAIL  Redis persistence  Redis keeps nothing…" and its "fix: …" line, by subject. */
function parseReport(stdout: string): Map<string, ReportLine> {
  const lines = new Map<string, ReportLine>();
  let last: string | undefined;
  for (const line of stdout.split('\n')) {
    const check = /^(ok|WARN|FAIL)\s+(.+?)\s{2,}(.*)$/.exec(line);
    const fix = /^\s+fix: (.*)$/.exec(line);
    if (check) {
      last = check[2]!;
      lines.set(last, { outcome: check[1]!, finding: check[3]! });
    } else if (fix && last) {
      lines.set(last, { ...lines.get(last)!, fix: fix[1]! });
    }
  }
  return lines;
}

const SECRET = 'doctor-test-secret-of-at-least-32-characters';

describe('doctor', () => {
  let migrated: TestDatabase;
  let unmigrated: { url: string; drop(): Promise<void> };
  let keepingRedis: LocalRedis;
  let forgetfulRedis: LocalRedis;
  let telegram: FakeTelegram;
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'kinbridge-doctor-'));
    [migrated, unmigrated, keepingRedis, forgetfulRedis, telegram] = await Promise.all([
      createTestDatabase(),
      createEmptyTestDatabase(),
      startLocalRedis({ settings: ['--appendonly', 'yes', '--dir', scratch, '--maxmemory-policy', 'noeviction'] }),
      startLocalRedis({ settings: ['--maxmemory-policy', 'allkeys-lru'] }),
      FakeTelegram.start(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([migrated?.drop(), unmigrated?.drop(), keepingRedis?.stop(), forgetfulRedis?.stop(), telegram?.close()]);
    await rm(scratch, { recursive: true, force: true });
  });

  it('says everything is in place, line by line, and exits 0 for a deployment set up right', async () => {
    const goodDataDir = path.join(scratch, 'good-data');
    await mkdir(goodDataDir);
    await writeFile(path.join(goodDataDir, 'wechat.memory-card.json'), '{}');
    const result = await runCli(['doctor'], {
      ...baseEnvironment(),
      DATABASE_URL: migrated.url,
      REDIS_URL: keepingRedis.url,
      KINBRIDGE_SECRET: SECRET,
      KINBRIDGE_DATA_DIR: goodDataDir,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
    });
    const report = parseReport(result.stdout);
    for (const subject of ['Settings', 'Deployment secret', 'PostgreSQL', 'Database schema', 'Clock', 'Redis', 'Redis memory policy', 'Redis persistence', 'Telegram', 'WeChat', 'Voice tools', 'Data directory', 'Media directory', 'Speech cache', 'Free space']) {
      expect(report.get(subject), `${subject}\n${result.stdout}`).toMatchObject({ outcome: 'ok' });
    }
    expect(report.get('Telegram')!.finding).toContain('this is @');
    expect(report.get('WeChat')!.finding).toContain('a restart needs no new QR scan');
    expect(report.get('Redis persistence')!.finding).toContain('append-only file on');
    expect(result.stdout).toMatch(/^Everything needed is in place/m);
    expect(result.code).toBe(0);
  });

  it('names every problem with a fix and exits 1 for a deployment set up wrong', async () => {
    const dataDir = path.join(scratch, 'bad-data');
    const blocked = path.join(scratch, 'a-file');
    await writeFile(blocked, 'not a directory');
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'secret.key'), 'too-short', { mode: 0o644 });
    const faketime = findOnPath('faketime');
    if (!faketime) throw new Error('faketime is needed for this test: sudo apt-get install -y faketime');
    const emptyPath = await mkdtemp(path.join(scratch, 'bin-'));

    const result = await runCli(
      ['doctor'],
      {
        ...baseEnvironment(),
        PATH: emptyPath,
        DATABASE_URL: unmigrated.url,
        REDIS_URL: forgetfulRedis.url,
        KINBRIDGE_DATA_DIR: dataDir,
        KINBRIDGE_MEDIA_DIR: path.join(blocked, 'media'),
        TELEGRAM_BOT_TOKEN: '123:wrong-token',
        TELEGRAM_API_ROOT: telegram.apiRoot,
        WECHATY_PUPPET: 'wechaty-puppet-service',
      },
      [faketime, '-f', '+2h'],
    );
    const report = parseReport(result.stdout);
    const failures: [string, RegExp, RegExp][] = [
      ['Deployment secret', /holds only 9 characters/, /openssl rand -hex 32/],
      ['Database schema', /migration\(s\) not applied yet: 20261123000000_init/, /start the bot/],
      ['Clock', /ahead of the database's/, /timedatectl set-ntp true/],
      ['Redis memory policy', /allkeys-lru/, /noeviction/],
      ['Redis persistence', /keeps nothing on disk/, /appendonly yes/],
      ['Telegram', /refused TELEGRAM_BOT_TOKEN \(401/, /@BotFather/],
      ['WeChat', /WECHATY_PUPPET_SERVICE_TOKEN is not set/, /puppet provider's token/],
      ['Voice tools', /espeak-ng and ffmpeg missing/, /sudo apt-get install -y espeak-ng ffmpeg/],
      ['Media directory', /cannot write in .*a-file\/media/, /chown/],
    ];
    for (const [subject, finding, fix] of failures) {
      const line = report.get(subject);
      expect(line, `${subject}\n${result.stdout}`).toMatchObject({ outcome: 'FAIL' });
      expect(line!.finding).toMatch(finding);
      expect(line!.fix).toMatch(fix);
    }
    expect(result.stdout).toMatch(/^9 problems to fix/m);
    expect(result.code).toBe(1);
  });

  it('says a database and a Redis that do not answer, in the quick mode the health check uses', async () => {
    const closedPort = await findFreePort();
    const results = await runChecks(
      { DATABASE_URL: `postgresql://postgres@127.0.0.1:${closedPort}/kinbridge`, REDIS_URL: `redis://127.0.0.1:${closedPort}`, KINBRIDGE_SECRET: SECRET, KINBRIDGE_DATA_DIR: path.join(scratch, 'quick-data'), TELEGRAM_BOT_TOKEN: '123:never-called' },
      { quick: true },
    );
    expect(results.find((result) => result.subject === 'PostgreSQL')).toMatchObject({ outcome: 'fail', finding: expect.stringContaining('does not answer'), fix: expect.stringContaining('DATABASE_URL') });
    expect(results.find((result) => result.subject === 'Redis')).toMatchObject({ outcome: 'fail', finding: expect.stringContaining('does not answer'), fix: expect.stringContaining('REDIS_URL') });
    expect(results.map((result) => result.subject)).not.toContain('Telegram');
  });

  it('reports invalid settings as one failed line instead of a stack trace', async () => {
    const results = await runChecks({ KINBRIDGE_SECRET: 'short', TELEGRAM_WEBHOOK_SECRET: 'also short' }, { quick: true });
    expect(results).toEqual([
      expect.objectContaining({ outcome: 'fail', subject: 'Settings', finding: expect.stringMatching(/KINBRIDGE_SECRET.*TELEGRAM_WEBHOOK_SECRET: must be 32–256/) }),
    ]);
  });
});
