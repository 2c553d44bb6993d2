/**
 * A reconcile that retrying cannot fix (invalid input, a cluster's credentials that do not
 * resolve, a manifest the API server rejects): the number is marked failed with this reason and
 * the job is not retried. Anything else a reconcile throws is retried with backoff.
 */
export class PermanentReconcileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentReconcileError';
  }
}
