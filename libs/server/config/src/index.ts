export { AppConfig, ConfigError } from './app-config';
export { configSchema, SENSITIVE_KEYS, type RawConfig } from './config.schema';
export { ConfigModule } from './config.module';
