import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient, type Prisma } from './generated/client.js';

/** The Prisma client the rest of the code receives; import this type instead of the generated module. */
export type Database = PrismaClient;

/** Prisma 7 talks to PostgreSQL only through a driver adapter; node-postgres pools the connections. */
export function createPrismaClient(databaseUrl: string): Database {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}

/**
 * The pool beneath Prisma, for the few statements run on every message (journal, turn, sends): named prepared
 * statements of our own, one round trip each, without Prisma's query planning per call. Everything else uses `db`.
 */
export type SqlPool = Pick<pg.Pool, 'query'>;

export interface Storage {
  readonly db: Database;
  readonly sql: SqlPool;
  close(): Promise<void>;
}

/** Prisma and the hot path's statements share one pool of connections. */
export function createStorage(databaseUrl: string): Storage {
  const pool = new pg.Pool({ connectionString: databaseUrl });
  // An idle connection the server ended (a restart; a database dropped as the pool closes) is already out of the
  // pool, and the next query opens another: without a listener, node-postgres's 'error' event would end the process.
  pool.on('error', () => undefined);
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    db,
    sql: pool,
    async close() {
      await db.$disconnect();
      // The adapter ends the pool it was given on disconnect; a client never connected leaves it to us.
      if (!pool.ended) await pool.end();
    },
  };
}

/** The client inside `db.$transaction(async (tx) => ...)`: what writes that must commit together receive. */
export type DatabaseTransaction = Prisma.TransactionClient;
