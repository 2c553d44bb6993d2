import { Module } from '@nestjs/common';
import { PasswordModule } from '@bsp/auth';
import { AuditModule } from '@bsp/domain-audit';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [AuditModule, PasswordModule],
  providers: [UsersRepository, UsersService],
  exports: [UsersService, UsersRepository],
})
export class UsersModule {}
