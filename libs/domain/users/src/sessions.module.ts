import { Module } from '@nestjs/common';
import { PasswordModule, TokensModule } from '@bsp/auth';
import { AuditModule } from '@bsp/domain-audit';
import { LoginThrottle } from './login-throttle';
import { RefreshTokenRepository } from './refresh-token.repository';
import { SessionsService } from './sessions.service';
import { UsersModule } from './users.module';

@Module({
  imports: [AuditModule, PasswordModule, TokensModule, UsersModule],
  providers: [LoginThrottle, RefreshTokenRepository, SessionsService],
  exports: [SessionsService],
})
export class SessionsModule {}
