export { DbModule } from './db.module';
export { PrismaService } from './prisma.service';
export { applyMigrations, readMigrations, MigrationError, type MigrationResult } from './migration-runner';
export { isUniqueViolation } from './unique-violation';
export { Prisma } from './generated/prisma/client';
export type * from './generated/prisma/client';
export * from './generated/prisma/enums';
import type { Prisma as PrismaNamespace } from './generated/prisma/client';
/** A client or an open transaction: repositories take this so services decide the transaction. */
export type Db = PrismaNamespace.TransactionClient;
export { afterCursor, decodeCursor, encodeCursor, pageOf, type KeysetPosition } from './keyset-cursor';
