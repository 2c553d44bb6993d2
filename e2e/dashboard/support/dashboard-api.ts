import { createApiApp } from '@bsp/api-app';
import { appFactory, registerAppFactories, startTestApi, type TestApi } from '@bsp/testing';
import { createDashboardHandler } from '../../../apps/api/src/dashboard';
import { ensureDashboardBuild } from './dashboard-build';

/**
 * The real API (fresh database, own Redis prefix) serving the production dashboard build on the
 * same origin, through the same handler DashboardModule mounts.
 */
export async function startDashboardApi(env: Record<string, string> = {}): Promise<TestApi> {
  const rootDir = await ensureDashboardBuild();
  registerAppFactories({
    api: async (options) => {
      const app = await createApiApp(options);
      app.use(createDashboardHandler({ rootDir }));
      return app;
    },
    worker: appFactory('worker'),
  });
  return startTestApi(env);
}
