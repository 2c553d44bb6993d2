import { Injectable } from '@nestjs/common';
import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '@bsp/config';

const KEY_LENGTH = 32;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/**
 * scrypt (memory-hard; built into Node, no native add-on to install). Hashes are PHC-style strings
 * carrying their parameters, so the cost can be raised later and old hashes still verify.
 */
@Injectable()
export class PasswordHasher {
  private readonly cost: number;
  private dummyHash: Promise<string> | undefined;

  constructor(config: AppConfig) {
    this.cost = config.get('PASSWORD_SCRYPT_COST');
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await scryptAsync(password, salt, this.options(this.cost));
    return `$scrypt$ln=${Math.log2(this.cost)},r=${BLOCK_SIZE},p=${PARALLELISM}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  async verify(password: string, encoded: string): Promise<boolean> {
    const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(encoded);
    if (!match) return false;
    const [, ln, r, p, salt, expected] = match;
    const cost = 2 ** Number(ln);
    const key = await scryptAsync(
      password,
      Buffer.from(salt!, 'base64'),
      this.options(cost, Number(r), Number(p)),
    );
    const want = Buffer.from(expected!, 'base64');
    return want.length === key.length && timingSafeEqual(want, key);
  }

  /** Spends the same time as a real check, so unknown accounts cannot be told apart by timing. */
  async verifyDummy(password: string): Promise<false> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(password, await this.dummyHash);
    return false;
  }

  private options(cost: number, blockSize = BLOCK_SIZE, parallelism = PARALLELISM): ScryptOptions {
    return { N: cost, r: blockSize, p: parallelism, maxmem: 256 * cost * blockSize };
  }
}
