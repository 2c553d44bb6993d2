import { AppConfig, ConfigError } from '@bsp/config';
import { createApiApp } from './api-app';

async function main(): Promise<void> {
  const app = await createApiApp();
  const config = app.get(AppConfig);
  for (const warning of config.warnings) process.stderr.write(`warning: ${warning}\n`);
  await app.listen(config.get('API_PORT'), config.get('API_HOST'));
  process.stdout.write(`API listening on ${await app.getUrl()} (docs at /docs)\n`);
}

main().catch((error: unknown) => {
  // A configuration error names the bad variables and nothing else; anything else is a crash.
  process.stderr.write(
    error instanceof ConfigError
      ? `${error.message}\n`
      : `${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
