// Vitest setup file for the integration and e2e tiers: hands the real app factories to @bsp/testing.
import { createApiApp } from '@bsp/api-app';
import { registerAppFactories } from '@bsp/testing';
import { createWorkerApp } from '@bsp/worker-app';

registerAppFactories({ api: createApiApp, worker: createWorkerApp });
