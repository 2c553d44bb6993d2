import { createTestDatabase } from '@bsp/testing';
import { applyMigrations } from './migration-runner';

it('stub', () => {
  expect(typeof createTestDatabase).toBe('function');
  expect(typeof applyMigrations).toBe('function');
});
