import { UnknownKeyError } from './crypto.errors';

export interface MasterKey {
  id: string;
  /** 32 bytes (AES-256). */
  key: Buffer;
}

/** Master keys by id; the first is current and wraps new data keys, any listed one unwraps. */
export class KeyRing {
  private readonly byId: ReadonlyMap<string, Buffer>;
  readonly current: MasterKey;

  constructor(keys: readonly MasterKey[]) {
    const [first] = keys;
    if (!first) throw new Error('a key ring needs at least one key');
    this.current = first;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get ids(): string[] {
    return [...this.byId.keys()];
  }

  key(id: string): Buffer {
    const key = this.byId.get(id);
    if (!key) throw new UnknownKeyError(id, this.ids);
    return key;
  }

  /** Keeps key bytes out of logs, inspection and JSON. */
  toJSON(): { current: string; ids: string[] } {
    return { current: this.current.id, ids: this.ids };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `KeyRing(current=${this.current.id}, ids=${this.ids.join(',')})`;
  }
}
