import { defineConfig } from 'prisma/config';

// The datasource URL is only needed by the real Prisma CLI's migrate commands (production);
// this repository applies migrations with its own runner (libs/server/db).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/bsp' },
});
