import { Injectable } from '@nestjs/common';
import { AppConfig } from '@bsp/config';
import { EnvelopeCipher, generateNumberCredentials, parseKeyRing } from '@bsp/crypto';
import { type NumberCredential, PrismaService } from '@bsp/db';
import type { NumberCredentialValues } from '../pod-set/pod-set.types';

const MAX_OPENED = 50_000;

const FIELDS = {
  dbPassword: 'db-password',
  webappAdminPassword: 'webapp-admin-password',
  healthApiKey: 'health-api-key',
  encryptionSecret: 'encryption-secret',
} as const satisfies Record<keyof NumberCredentialValues, string>;

/**
 * A number's pod-set credentials: generated once, stored only as envelopes bound to the number and
 * field, opened only to render the Secret and the tenant database role.
 */
@Injectable()
export class NumberCredentialsService {
  private readonly cipher: EnvelopeCipher;
  /**
   * Opened credentials by number: they never change once generated, and every reconcile needs
   * them to compare the Secret, so the worker keeps them as it keeps the Secrets in its watch cache.
   */
  private readonly opened = new Map<string, NumberCredentialValues>();

  constructor(
    config: AppConfig,
    private readonly prisma: PrismaService,
  ) {
    const spec = config.get('SECRETS_ENCRYPTION_KEYS');
    if (!spec) {
      throw new Error(
        'SECRETS_ENCRYPTION_KEYS: Required by the worker (it seals the numbers\u2019 credentials)',
      );
    }
    this.cipher = new EnvelopeCipher(parseKeyRing(spec));
  }

  /**
   * The number's credentials, created on first use. Concurrent first uses race on the primary key:
   * the loser's freshly generated values are discarded and everyone opens the stored ones.
   */
  async ensure(number: { id: string; tenantId: string }): Promise<NumberCredentialValues> {
    const cached = this.opened.get(number.id);
    if (cached) return cached;
    let row = await this.find(number);
    if (!row) {
      const fresh = generateNumberCredentials();
      const sealed = {} as Record<keyof NumberCredentialValues, string>;
      for (const field of Object.keys(FIELDS) as (keyof NumberCredentialValues)[]) {
        sealed[field] = this.cipher.encrypt(fresh[field], context(number.id, field));
      }
      await this.prisma.numberCredential.createMany({
        data: [
          { numberId: number.id, tenantId: number.tenantId, keyId: this.cipher.currentKeyId, ...sealed },
        ],
        skipDuplicates: true,
      });
      row = await this.find(number);
      if (!row) throw new Error(`credentials of number ${number.id} vanished after insert`);
    }
    const values = this.open(row);
    if (this.opened.size >= MAX_OPENED) this.opened.delete(this.opened.keys().next().value as string);
    this.opened.set(number.id, values);
    return values;
  }

  private find(number: { id: string; tenantId: string }): Promise<NumberCredential | null> {
    return this.prisma.numberCredential.findFirst({
      where: { numberId: number.id, tenantId: number.tenantId },
    });
  }

  private open(row: NumberCredential): NumberCredentialValues {
    const out = {} as NumberCredentialValues;
    for (const field of Object.keys(FIELDS) as (keyof NumberCredentialValues)[]) {
      out[field] = this.cipher.decrypt(row[field], context(row.numberId, field));
    }
    return out;
  }
}

function context(numberId: string, field: keyof NumberCredentialValues) {
  return { owner: `number:${numberId}`, field: FIELDS[field] };
}
