import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalPostgres } from '../../src/infra/local-postgres.js';

describe('startLocalPostgres', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kinbridge-pg-test-'));
    await chmod(dir, 0o755); // as root, the server runs as `postgres` and must enter it
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('initialises a cluster once and reuses it, data and all, on the next start', async () => {
    const dataDir = path.join(dir, 'cluster');
    const first = await startLocalPostgres({ dataDir, database: 'kinbridge_reuse', ephemeral: true });
    try {
      await sql(first.url, `CREATE TABLE kept (note TEXT); INSERT INTO kept VALUES ('中文 survives')`);
    } finally {
      await first.stop();
    }

    const second = await startLocalPostgres({ dataDir, database: 'kinbridge_reuse', ephemeral: true });
    try {
      expect(new URL(second.url).pathname).toBe('/kinbridge_reuse');
      expect(await sql(second.url, 'SELECT note FROM kept')).toEqual([{ note: '中文 survives' }]);
      expect(await sql(second.url, `SELECT pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = current_database()`)).toEqual([
        { encoding: 'UTF8' },
      ]);
    } finally {
      await second.stop();
    }
  });
});

async function sql(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query(text);
    return Array.isArray(result) ? [] : result.rows;
  } finally {
    await client.end();
  }
}
