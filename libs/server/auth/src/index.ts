export {
  Access,
  ACCESS_POLICY,
  ALL_ROLES,
  IS_PUBLIC,
  Public,
  STAFF,
  WRITERS,
  type AccessPolicy,
} from './access-policy';
export { AccessTokenService } from './access-token.service';
export { API_KEY_PREFIX_MARK, extractApiKey } from './api-key-header';
export { AuthModule, PasswordModule, TokensModule, type AuthModuleOptions } from './auth.module';
export { CurrentCaller } from './caller.decorator';
export { PasswordHasher } from './password-hasher';
export {
  API_KEY_VERIFIER,
  systemCaller,
  USER_PRINCIPAL_LOADER,
  type ApiKeyPrincipal,
  type ApiKeyVerifier,
  type Caller,
  type Principal,
  type SystemPrincipal,
  type UserPrincipal,
  type UserPrincipalLoader,
} from './principal';
export { canAccessNumber, canAccessTenant, confinedTenantId, isStaff } from './tenant-access';
