import { createApiApp } from '@bsp/api-app';
import {
  appFactory,
  type ProvisioningStack,
  registerAppFactories,
  startProvisioningStack,
  startTestApi,
  type TestApi,
} from '@bsp/testing';
import { createDashboardHandler } from '../../../apps/api/src/dashboard';
import { ensureDashboardBuild } from './dashboard-build';

/** The API app serves the production dashboard build, through the same handler DashboardModule mounts. */
async function registerDashboardApi(): Promise<void> {
  const rootDir = await ensureDashboardBuild();
  registerAppFactories({
    api: async (options) => {
      const app = await createApiApp(options);
      app.use(createDashboardHandler({ rootDir }));
      return app;
    },
    worker: appFactory('worker'),
  });
}

/** The real API (fresh database, own Redis prefix) serving the dashboard on the same origin. */
export async function startDashboardApi(env: Record<string, string> = {}): Promise<TestApi> {
  await registerDashboardApi();
  return startTestApi(env);
}

/**
 * The whole product behind the dashboard: the Kubernetes emulator with its clusters registered,
 * the API serving the dashboard, and a worker that provisions numbers.
 */
export async function startDashboardStack(
  options: Parameters<typeof startProvisioningStack>[0] = {},
): Promise<ProvisioningStack> {
  await registerDashboardApi();
  return startProvisioningStack(options);
}
