import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';
import { testRedisUrl, uniquePrefix } from '../support/test-redis.js';

/** The bot as `npm start` runs it: a real process on the console channel, killed with SIGKILL mid-conversation. */
class BotProcess {
  private output = '';
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--channel', 'console'], {
      cwd: projectRoot,
      env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
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
    env = { DATABASE_URL: t.database.url, REDIS_URL: testRedisUrl(), KINBRIDGE_REDIS_PREFIX: uniquePrefix('console') };
  });
  afterAll(() => t.close());

  it('chats as several personas and survives SIGKILL mid-flow', async () => {
    const first = new BotProcess(env);
    await first.waitFor('Try /start or /help.');
    first.type(`@baba:en /start ${family.codes.parent}`);
    await first.waitFor('Which language should I use?');
    first.type('@nainai:zh-CN /help');
    await first.waitFor('亲情桥帮您和家人保持联系');
    expect(await first.kill('SIGKILL')).toBeNull();

    const second = new BotProcess(env);
    await second.waitFor('Try /start or /help.');
    second.type('@baba:en 2');
    await second.waitFor('Which city do you live in now?');
    expect(await second.kill('SIGTERM')).toBe(0);
  });
});
