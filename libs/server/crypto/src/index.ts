export { EnvelopeError, KeyRingError, UnknownKeyError } from './crypto.errors';
export { EnvelopeCipher, type SecretContext } from './envelope-cipher';
export { KeyRing, type MasterKey } from './key-ring';
export { parseKeyRing } from './key-ring.parser';
export { generateNumberCredentials, type NumberCredentials } from './number-credentials.generator';
