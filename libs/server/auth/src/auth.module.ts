import { type DynamicModule, Module, type ModuleMetadata, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AppConfig } from '@bsp/config';
import { AccessTokenService } from './access-token.service';
import { ApiKeyStrategy } from './api-key.strategy';
import { AuthenticationGuard } from './authentication.guard';
import { AuthorizationGuard } from './authorization.guard';
import { JwtStrategy } from './jwt.strategy';
import { PasswordHasher } from './password-hasher';
import {
  API_KEY_VERIFIER,
  type ApiKeyVerifier,
  USER_PRINCIPAL_LOADER,
  type UserPrincipalLoader,
} from './principal';

export interface AuthModuleOptions {
  /** Modules that export the two providers below (the app passes its domain modules). */
  imports: ModuleMetadata['imports'];
  userPrincipalLoader: Type<UserPrincipalLoader>;
  apiKeyVerifier: Type<ApiKeyVerifier>;
}

/** Passport-JWT and API-key strategies with global, deny-by-default guards. */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    return {
      module: AuthModule,
      imports: [...(options.imports ?? []), PassportModule],
      providers: [
        { provide: USER_PRINCIPAL_LOADER, useExisting: options.userPrincipalLoader },
        { provide: API_KEY_VERIFIER, useExisting: options.apiKeyVerifier },
        JwtStrategy,
        ApiKeyStrategy,
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_GUARD, useClass: AuthorizationGuard },
      ],
    };
  }
}

/** Issuing people's access tokens; used by the sessions service, apart from request authentication. */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.get('JWT_SECRET'),
        signOptions: {
          issuer: config.get('JWT_ISSUER'),
          audience: config.get('JWT_AUDIENCE'),
          algorithm: 'HS256',
        },
      }),
    }),
  ],
  providers: [AccessTokenService],
  exports: [AccessTokenService],
})
export class TokensModule {}

/** Password hashing is needed wherever users are created, so it has its own small module. */
@Module({ providers: [PasswordHasher], exports: [PasswordHasher] })
export class PasswordModule {}
