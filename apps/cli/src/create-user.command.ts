import { parseArgs } from 'node:util';
import { systemCaller } from '@bsp/auth';
import { USER_ROLES, type UserRole } from '@bsp/contracts';
import type { UsersService } from '@bsp/domain-users';

export const CREATE_USER_USAGE = `usage: create-user --email <email> --role <${USER_ROLES.join('|')}> [--tenant <tenantId>] [--name <display name>]
The password is read from standard input (first line), so it never appears in the process list or shell history.`;

export class UsageError extends Error {}

export interface CreateUserArgs {
  email: string;
  role: UserRole;
  tenantId?: string;
  displayName?: string;
}

export function parseCreateUserArgs(argv: string[]): CreateUserArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      tenant: { type: 'string' },
      name: { type: 'string' },
    },
    strict: true,
  });
  if (!values.email || !values.role) throw new UsageError(CREATE_USER_USAGE);
  if (!(USER_ROLES as readonly string[]).includes(values.role))
    throw new UsageError(`unknown role ${values.role}\n${CREATE_USER_USAGE}`);
  return {
    email: values.email,
    role: values.role as UserRole,
    tenantId: values.tenant,
    displayName: values.name,
  };
}

export async function createUser(
  users: UsersService,
  args: CreateUserArgs,
  password: string,
): Promise<string> {
  const user = await users.create(systemCaller('cli'), { ...args, password });
  return `created user ${user.id} (${user.email}, ${user.role}${user.tenantId ? `, tenant ${user.tenantId}` : ''})`;
}
