import { Injectable } from '@nestjs/common';
import { type Db, type Prisma, PrismaService, type User } from '@bsp/db';

@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  findById(id: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { id } });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { email } });
  }

  create(db: Db, data: Prisma.UserUncheckedCreateInput): Promise<User> {
    return db.user.create({ data });
  }

  async touchLastLogin(id: string, at: Date): Promise<void> {
    await this.prisma.user.update({ where: { id }, data: { lastLoginAt: at }, select: { id: true } });
  }

  /** Staff see everyone (or one tenant's users); tenant users only their tenant's. */
  list(tenantId: string | null): Promise<User[]> {
    return this.prisma.user.findMany({
      where: tenantId === null ? {} : { tenantId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: 500,
    });
  }
}
