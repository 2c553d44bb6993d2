import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@bsp/config';
import { UsersService } from '@bsp/domain-users';
import { DomainError } from '@bsp/errors';
import { CliModule } from './cli.module';
import { createUser, parseCreateUserArgs, UsageError } from './create-user.command';

async function readPassword(): Promise<string> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  if (process.stdin.isTTY) process.stderr.write('password: ');
  for await (const line of lines) return line;
  return '';
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'create-user') {
    process.stderr.write('commands: create-user\n');
    return 2;
  }
  const args = parseCreateUserArgs(rest);
  const password = await readPassword();
  if (password.length < 12) throw new UsageError('the password must be at least 12 characters');
  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error'] });
  try {
    process.stdout.write(`${await createUser(app.get(UsersService), args, password)}\n`);
    return 0;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof ConfigError)
      process.stderr.write(`${error.message}\n`);
    else if (error instanceof DomainError) process.stderr.write(`error: ${error.code}: ${error.message}\n`);
    else process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
