import { Bot } from 'grammy';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';

const TOKEN = '123456789:AAH-secretTokenPartThatMustNeverBeLogged01';

/** Every line the logger writes, as text. */
function capture(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, logger: createLogger('info', { write: (line: string) => lines.push(line) }) };
}

describe('log lines', () => {
  it('never carry the bot token, even inside a grammY network error and its cause', async () => {
    const { lines, logger } = capture();
    const bot = new Bot(TOKEN, { client: { apiRoot: 'http://127.0.0.1:9' } });
    const error = await bot.api.getMe().catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(Error);
    logger.error({ err: error }, `request to http://127.0.0.1:9/bot${TOKEN}/getMe failed`);
    logger.warn({ err: new Error(`fetch failed for /bot${TOKEN}/sendMessage`) }, 'send failed');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain('secretTokenPart');
    expect(lines.join('')).toContain('[redacted-token]');
  });

  it('never carry secrets in known fields or in connection URLs', () => {
    const { lines, logger } = capture();
    logger.info({ token: 'puppet_abc', config: { secret: 'x'.repeat(40) }, url: 'redis://:hunter2pass@127.0.0.1:6379' }, 'connected');
    const [line] = lines;
    expect(line).not.toContain('puppet_abc');
    expect(line).not.toContain('x'.repeat(40));
    expect(line).not.toContain('hunter2pass');
    expect(line).toContain('127.0.0.1:6379');
  });
});
