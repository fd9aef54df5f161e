import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { startTestApp, TEST_DEPLOYMENT_SECRET, type SeededFamily, type TestApp } from '../support/test-app.js';
import { testRedisUrl, uniquePrefix } from '../support/test-redis.js';

/** The bot as `npm start` runs it: a real process on the console channel, killed with SIGKILL mid-conversation. */
class BotProcess {
  private output = '';
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--channel', 'console'], {
      cwd: projectRoot,
      env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
  }

  type(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  async waitFor(text: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(text)) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${JSON.stringify(text)}; output so far:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  get everything(): string {
    return this.output;
  }

  async kill(signal: NodeJS.Signals): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill(signal);
    return exited;
  }
}

describe('npm start on the console channel', () => {
  let t: TestApp;
  let family: SeededFamily;
  let env: Record<string, string>;

  beforeAll(async () => {
    // The test app only seeds the family; the bot under test is the separate process.
    t = await startTestApp();
    family = await t.seedFamily();
    await t.stopApp();
    env = {
      DATABASE_URL: t.database.url,
      REDIS_URL: testRedisUrl(),
      KINBRIDGE_REDIS_PREFIX: uniquePrefix('console'),
      KINBRIDGE_SECRET: TEST_DEPLOYMENT_SECRET,
      KINBRIDGE_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'kinbridge-console-')),
    };
  });
  afterAll(() => t.close());

  it('chats as several personas and survives SIGKILL mid-flow', async () => {
    const first = new BotProcess(env);
    await first.waitFor('Try /start or /help.');
    first.type(`@baba:en /start ${family.codes.parent}`);
    await first.waitFor('Which language should I use?');
    // Someone without a code yet is asked for it, once, in her language.
    first.type('@nainai:zh-CN /help');
    await first.waitFor('请发您的邀请码');
    expect(await first.kill('SIGKILL')).toBeNull();

    const second = new BotProcess(env);
    await second.waitFor('Try /start or /help.');
    second.type('@baba:en 2');
    // The killed process still holds baba's sender lease: the answer comes once its 30 s term has run out.
    await second.waitFor('Which city do you live in now?', 60_000);
    expect(await second.kill('SIGTERM')).toBe(0);
    // Log lines go to the data directory's log file, never between the messages of the conversation.
    expect(second.everything).toContain('Logs are written to');
    expect(second.everything).not.toContain('"level"');
    expect(readFileSync(path.join(env.KINBRIDGE_DATA_DIR!, 'kinbridge.log'), 'utf8')).toContain('Kinbridge is running');
  }, 120_000);

  it('stops cleanly, exiting 0, when told to stop while it is still starting', async () => {
    const bot = new BotProcess(env);
    await bot.waitFor('Logs are written to');
    expect(bot.everything).not.toContain('Try /start or /help.');
    expect(await bot.kill('SIGTERM')).toBe(0);
    expect(readFileSync(path.join(env.KINBRIDGE_DATA_DIR!, 'kinbridge.log'), 'utf8')).toContain('Kinbridge is running');
  });

  it('says once, in one line, how to get voice reminders when espeak-ng is missing, and runs on', async () => {
    const nodeOnly = mkdtempSync(path.join(tmpdir(), 'kinbridge-path-'));
    symlinkSync(process.execPath, path.join(nodeOnly, 'node'));
    const bot = new BotProcess({ ...env, PATH: nodeOnly });
    await bot.waitFor('Try /start or /help.');
    const notices = bot.everything.split('\n').filter((line) => line.includes('Voice reminders need'));
    expect(notices).toEqual(['Voice reminders need espeak-ng and ffmpeg; until then reminders go as text. To add voice: sudo apt-get install -y espeak-ng ffmpeg']);
    expect(await bot.kill('SIGTERM')).toBe(0);
  });
});
