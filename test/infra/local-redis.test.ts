import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RedisNotInstalledError, startLocalRedis } from '../../src/infra/local-redis.js';

describe('startLocalRedis', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('says how to install redis-server when it is not on PATH', async () => {
    vi.stubEnv('PATH', '/nonexistent');
    const attempt = startLocalRedis();
    await expect(attempt).rejects.toBeInstanceOf(RedisNotInstalledError);
    await expect(attempt).rejects.toThrow('redis-server is not installed. Install it with: sudo apt-get install -y redis-server');
    await expect(attempt).rejects.toThrow(/REDIS_URL/);
  });

  it('starts a redis-server that answers only with its generated password, which its URL carries, and stops it', async () => {
    const redis = await startLocalRedis();
    const url = new URL(redis.url);
    const port = Number(url.port);
    expect(url.password).toMatch(/^[0-9a-f]{48}$/);
    expect(await send(port, 'PING\r\n')).toMatch(/^-NOAUTH/);
    expect(await send(port, 'AUTH not-the-password\r\n')).toMatch(/^-(WRONGPASS|ERR)/);
    expect(await send(port, `AUTH ${url.password}\r\nPING\r\n`, 2)).toBe('+OK\r\n+PONG');
    await redis.stop();
    await expect(send(port, 'PING\r\n')).rejects.toThrow(/ECONNREFUSED/);
  });
});

/** Writes raw RESP and resolves with the first `replies` reply lines. */
function send(port: number, request: string, replies = 1): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(request));
    let received = '';
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      const lines = received.split('\r\n');
      if (lines.length > replies) {
        socket.destroy();
        resolve(lines.slice(0, replies).join('\r\n'));
      }
    });
  });
}
