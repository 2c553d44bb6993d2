import type { INestApplication } from '@nestjs/common';
import type { DestinationStream } from 'pino';

export type AppFactory = (options: { logStream?: DestinationStream }) => Promise<INestApplication>;

const factories: { api?: AppFactory; worker?: AppFactory } = {};

/**
 * The apps register their factories here from the test setup file (tools/testing/register-apps.ts),
 * so this library never imports an app and the project graph stays acyclic.
 */
export function registerAppFactories(registered: { api: AppFactory; worker: AppFactory }): void {
  Object.assign(factories, registered);
}

export function appFactory(name: 'api' | 'worker'): AppFactory {
  const factory = factories[name];
  if (!factory)
    throw new Error(`no ${name} app factory registered: is tools/testing/register-apps.ts a setup file?`);
  return factory;
}
