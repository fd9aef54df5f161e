// What test/support/global-setup.ts hands to the test files through vitest's provide/inject.
declare module 'vitest' {
  export interface ProvidedContext {
    /** Connects to the test PostgreSQL server for CREATE/DROP DATABASE; tests never use it for data. */
    postgresAdminUrl: string;
    /** A migrated database that createTestDatabase() clones. */
    templateDatabase: string;
    redisUrl: string;
  }
}

export {};
