import { AppConfig, ConfigError } from '@bsp/config';
import { createWorkerApp } from './worker-app';

async function main(): Promise<void> {
  const app = await createWorkerApp();
  const config = app.get(AppConfig);
  for (const warning of config.warnings) process.stderr.write(`warning: ${warning}\n`);
  await app.listen(config.get('WORKER_HTTP_PORT'), config.get('API_HOST'));
  process.stdout.write(`worker running; probes and metrics on ${await app.getUrl()}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigError
      ? `${error.message}\n`
      : `${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
