import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { ValidationFailedError } from '@bsp/errors';

const E164_SHAPE = /^\+[1-9]\d{6,14}$/;

export interface ParsedNumber {
  e164: string;
  country: string | null;
}

/**
 * Accepts only strict E.164 that is a real number in its country's numbering plan (full metadata:
 * length and range checks), so typos are caught before a pod set is provisioned for them.
 */
export function parseE164(input: string): ParsedNumber {
  const invalid = (message: string) =>
    new ValidationFailedError([{ field: 'phoneNumber', code: 'invalidPhoneNumber', message }], message);
  if (!E164_SHAPE.test(input)) {
    throw invalid('phoneNumber must be in E.164 format: a plus sign and 7 to 15 digits, e.g. +4915123456789');
  }
  const parsed = parsePhoneNumberFromString(input);
  if (!parsed?.isValid()) throw invalid('phoneNumber is not a valid number in any numbering plan');
  return { e164: parsed.number, country: parsed.country ?? null };
}

export function countryOf(e164: string): string | null {
  return parsePhoneNumberFromString(e164)?.country ?? null;
}
