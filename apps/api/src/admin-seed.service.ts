import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { systemCaller } from '@bsp/auth';
import { AppConfig } from '@bsp/config';
import { UsersService } from '@bsp/domain-users';

/** The first platform admin comes from configuration, so a fresh install can be logged into. */
@Injectable()
export class AdminSeedService implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const email = this.config.get('BSP_ADMIN_EMAIL');
    const password = this.config.get('BSP_ADMIN_PASSWORD');
    if (email && password) await this.users.ensureAdmin(systemCaller('bootstrap'), email, password);
  }
}
