import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('secrets in the configuration', () => {
  it('refuse a short Telegram webhook secret and a short deployment secret', () => {
    expect(() => loadConfig({ TELEGRAM_WEBHOOK_SECRET: 'a' })).toThrow(ConfigError);
    expect(() => loadConfig({ TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(31) })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(loadConfig({ TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(32) }).TELEGRAM_WEBHOOK_SECRET).toBe('a'.repeat(32));
    expect(() => loadConfig({ KINBRIDGE_SECRET: 'short' })).toThrow(/KINBRIDGE_SECRET/);
  });
});
