import type { NumberState } from '@bsp/db';

export type ReconcileOutcome =
  /** The number is where it should be. `applied` objects were written (0: nothing changed). */
  | { kind: 'converged'; state: NumberState; applied: number; changed: boolean }
  /** Written what it could; now waiting for the cluster (pods starting, a namespace going away). */
  | { kind: 'waiting'; state: NumberState; applied: number; reason: string; requeueAfterMs: number }
  /**
   * Cannot proceed without a change elsewhere (no capacity in the region); marked failed, and
   * looked at again after `retryAfterMs` (capacity may have been freed or added).
   */
  | { kind: 'failed'; reason: string; retryAfterMs: number }
  /** Another writer moved the number's epoch or active placement first: this reconcile wrote nothing more. */
  | { kind: 'superseded'; reason: string }
  /** The number does not exist or is deleted. */
  | { kind: 'gone' };
