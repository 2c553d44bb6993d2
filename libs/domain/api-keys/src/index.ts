export { formatApiKey, hashApiKeySecret, keyPrefix, parseApiKey, randomSecret } from './api-key-format';
export { ApiKeyUsageTracker } from './api-key-usage.tracker';
export { ApiKeysModule } from './api-keys.module';
export { apiKeyStatus, ApiKeysService } from './api-keys.service';
