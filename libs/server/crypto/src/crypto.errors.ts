/** SECRETS_ENCRYPTION_KEYS is malformed. Messages name the entry and the rule, never key material. */
export class KeyRingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyRingError';
  }
}

/** The envelope names a key id the ring does not hold (removed too early, or another environment's). */
export class UnknownKeyError extends Error {
  constructor(
    readonly keyId: string,
    knownKeyIds: readonly string[],
  ) {
    super(
      `secret was encrypted with key id "${keyId}", which is not in SECRETS_ENCRYPTION_KEYS (holds: ${knownKeyIds.join(', ')})`,
    );
    this.name = 'UnknownKeyError';
  }
}

/** Not an envelope this code can read, or it fails authentication (tampered, or bound to another owner). */
export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}
