import { defineConfig } from 'prisma/config';

// The CLI reads the URL from here; the running bot passes it to the pg adapter instead.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/kinbridge' },
});
