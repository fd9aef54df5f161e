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

  it('starts a redis-server that answers, and stops it', async () => {
    const redis = await startLocalRedis();
    const port = Number(new URL(redis.url).port);
    expect(await ping(port)).toBe('+PONG');
    await redis.stop();
    await expect(ping(port)).rejects.toThrow(/ECONNREFUSED/);
  });
});

function ping(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.once('error', reject);
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk.toString('utf8').trim());
    });
  });
}
