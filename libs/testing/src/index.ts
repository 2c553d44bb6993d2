export { appFactory, registerAppFactories, type AppFactory } from './app-factories';
export {
  createTestDatabase,
  dropDatabase,
  dropStaleTestDatabases,
  recreateDatabase,
  type TestDatabase,
} from './test-database';
export { databaseUrl, TEST_PG_ADMIN_URL, TEST_REDIS_URL, uniqueName } from './test-env';
export { applyTestEnvironment, deleteRedisPrefix } from './test-environment';
export { startTestApi, type RequestOptions, type TestApi, type TestResponse } from './test-api';
export * from './schema-introspection';
export {
  auditEvents,
  countAllRows,
  countRows,
  createNumber,
  createTenant,
  createUser,
  expectFieldError,
  expectProblem,
  expectStatus,
  freshPhoneNumber,
  issueApiKey,
  sleep,
  unique,
  withDb,
  type TestUser,
} from './api-fixtures';
export {
  startProvisioningStack,
  STACK_CLUSTERS,
  type ProvisioningStack,
  type WorkerHandle,
} from './provisioning-stack';
