export { SessionsModule } from './sessions.module';
export { SessionsService } from './sessions.service';
export { UsersModule } from './users.module';
export { normalizeEmail, toUserPrincipal, toUserResponse, UsersService } from './users.service';
