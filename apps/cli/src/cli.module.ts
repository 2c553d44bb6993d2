import { Module } from '@nestjs/common';
import { ConfigModule } from '@bsp/config';
import { DbModule } from '@bsp/db';
import { UsersModule } from '@bsp/domain-users';

@Module({ imports: [ConfigModule, DbModule, UsersModule] })
export class CliModule {}
