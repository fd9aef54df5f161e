import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from './generated/client.js';

/** The Prisma client the rest of the code receives; import this type instead of the generated module. */
export type Database = PrismaClient;

/** Prisma 7 talks to PostgreSQL only through a driver adapter; node-postgres pools the connections. */
export function createPrismaClient(databaseUrl: string): Database {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}

/** The client inside `db.$transaction(async (tx) => ...)`: what writes that must commit together receive. */
export type DatabaseTransaction = Prisma.TransactionClient;
