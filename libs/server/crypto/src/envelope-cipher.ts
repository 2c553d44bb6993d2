import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EnvelopeError } from './crypto.errors';
import type { KeyRing } from './key-ring';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const WRAPPED_BYTES = IV_BYTES + KEY_BYTES + TAG_BYTES;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Whose secret this is: an envelope opens only under the same owner and field it was sealed for. */
export interface SecretContext {
  /** e.g. `number:<uuid>` */
  owner: string;
  /** e.g. `db-password` */
  field: string;
}

interface Parsed {
  keyId: string;
  wrapped: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/**
 * Envelope encryption: every secret gets its own random AES-256-GCM data key, and the data key is
 * itself sealed (AES-256-GCM) with the key ring's current master key. Serialized as one line:
 *
 *   v1:<key id>:<wrapped data key>:<iv>:<ciphertext>:<tag>     (base64url, no padding)
 *
 * where the wrapped data key is iv ‖ sealed key ‖ tag. Text, not JSON: it fits a text column and a
 * log scrubber's pattern, and the version prefix leaves room for a v2.
 *
 * Associated data binds the ciphertext to its owner and field, so an envelope copied to another
 * number's row (or another field) does not open. The data key's wrapping also binds the key id,
 * so the header cannot be edited, and lets rotation re-wrap the data key without touching the
 * ciphertext.
 */
export class EnvelopeCipher {
  constructor(private readonly keys: KeyRing) {}

  /** The key new envelopes are sealed under (recorded beside them so rotation finds old ones). */
  get currentKeyId(): string {
    return this.keys.current.id;
  }

  encrypt(plaintext: string, context: SecretContext): string {
    const dataKey = randomBytes(KEY_BYTES);
    try {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, dataKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(dataAad(context));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const { id } = this.keys.current;
      return serialize({
        keyId: id,
        wrapped: this.wrap(dataKey, id, context),
        iv,
        ciphertext,
        tag: cipher.getAuthTag(),
      });
    } finally {
      dataKey.fill(0);
    }
  }

  decrypt(envelope: string, context: SecretContext): string {
    const parsed = parse(envelope);
    const dataKey = this.unwrap(parsed, context);
    try {
      const decipher = createDecipheriv(ALGORITHM, dataKey, parsed.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(dataAad(context));
      decipher.setAuthTag(parsed.tag);
      return Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw authenticationFailed();
    } finally {
      dataKey.fill(0);
    }
  }

  /** The key id an envelope was sealed with (no key needed). */
  keyIdOf(envelope: string): string {
    return parse(envelope).keyId;
  }

  needsRewrap(envelope: string): boolean {
    return this.keyIdOf(envelope) !== this.keys.current.id;
  }

  /**
   * Rotation: re-seals the data key under the current master key; the ciphertext stays as it is.
   * Returns the same string when it is already current, so callers can skip the write.
   */
  rewrap(envelope: string, context: SecretContext): string {
    const parsed = parse(envelope);
    const { id } = this.keys.current;
    const dataKey = this.unwrap(parsed, context);
    try {
      if (parsed.keyId === id) return envelope;
      return serialize({ ...parsed, keyId: id, wrapped: this.wrap(dataKey, id, context) });
    } finally {
      dataKey.fill(0);
    }
  }

  private wrap(dataKey: Buffer, keyId: string, context: SecretContext): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.key(keyId), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(wrapAad(keyId, context));
    const sealed = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]);
  }

  private unwrap(parsed: Parsed, context: SecretContext): Buffer {
    const masterKey = this.keys.key(parsed.keyId);
    const iv = parsed.wrapped.subarray(0, IV_BYTES);
    const sealed = parsed.wrapped.subarray(IV_BYTES, IV_BYTES + KEY_BYTES);
    const tag = parsed.wrapped.subarray(IV_BYTES + KEY_BYTES);
    try {
      const decipher = createDecipheriv(ALGORITHM, masterKey, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(wrapAad(parsed.keyId, context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(sealed), decipher.final()]);
    } catch {
      throw authenticationFailed();
    }
  }
}

// JSON arrays keep the parts unambiguous whatever characters owner and field contain.
function dataAad({ owner, field }: SecretContext): Buffer {
  return Buffer.from(JSON.stringify(['bsp-envelope', VERSION, 'data', owner, field]), 'utf8');
}

function wrapAad(keyId: string, { owner, field }: SecretContext): Buffer {
  return Buffer.from(JSON.stringify(['bsp-envelope', VERSION, 'key', keyId, owner, field]), 'utf8');
}

function authenticationFailed(): EnvelopeError {
  return new EnvelopeError(
    'secret failed authentication: it was altered, or belongs to another owner or field',
  );
}

function serialize(p: Parsed): string {
  return [VERSION, p.keyId, p.wrapped, p.iv, p.ciphertext, p.tag]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join(':');
}

function parse(envelope: string): Parsed {
  const parts = envelope.split(':');
  if (parts.length !== 6)
    throw new EnvelopeError('not an encrypted secret: expected 6 fields separated by ":"');
  const [version, keyId, wrapped, iv, ciphertext, tag] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (version !== VERSION)
    throw new EnvelopeError(`unsupported secret format version "${version.slice(0, 8)}"`);
  const parsed: Parsed = {
    keyId,
    wrapped: decode(wrapped, 'wrapped key'),
    iv: decode(iv, 'iv'),
    ciphertext: decode(ciphertext, 'ciphertext'),
    tag: decode(tag, 'tag'),
  };
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(keyId)) throw new EnvelopeError('malformed secret: bad key id');
  if (
    parsed.wrapped.length !== WRAPPED_BYTES ||
    parsed.iv.length !== IV_BYTES ||
    parsed.tag.length !== TAG_BYTES
  ) {
    throw new EnvelopeError('malformed secret: a field has the wrong length');
  }
  return parsed;
}

/** Strict base64url: a changed character can never decode to the same bytes and slip through. */
function decode(text: string, what: string): Buffer {
  const bytes = Buffer.from(text, 'base64url');
  if (!BASE64URL.test(text) || bytes.toString('base64url') !== text) {
    throw new EnvelopeError(`malformed secret: ${what} is not canonical base64url`);
  }
  return bytes;
}
