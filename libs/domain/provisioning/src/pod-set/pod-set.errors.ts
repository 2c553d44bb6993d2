/** A programming error in the caller (the reconciler passes stored, validated rows): never retried. */
export class InvalidPodSetInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPodSetInputError';
  }
}
