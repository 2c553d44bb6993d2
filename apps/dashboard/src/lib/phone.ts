import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { countryName } from './format';

const E164_SHAPE = /^\+[1-9]\d{6,14}$/;

export type PhoneCheck =
  | { kind: 'empty' }
  | { kind: 'invalid'; message: string }
  | {
      kind: 'plausible';
      e164: string;
      country: string | null;
      countryLabel: string | null;
      warning?: string;
    };

/**
 * A light check while typing: the E.164 shape and the country from the calling code (small
 * metadata). The API does the real numbering-plan check and answers 400 if the number is not valid.
 */
export function checkPhone(input: string): PhoneCheck {
  const compact = input.replace(/[\s().-]/g, '');
  if (!compact) return { kind: 'empty' };
  if (!compact.startsWith('+'))
    return { kind: 'invalid', message: 'Start with + and the country calling code, e.g. +49 151 2345 6789.' };
  if (!/^\+\d*$/.test(compact)) return { kind: 'invalid', message: 'Use digits only after the +.' };
  if (compact.startsWith('+0'))
    return { kind: 'invalid', message: 'Country calling codes never start with 0.' };
  if (!E164_SHAPE.test(compact)) {
    return compact.length < 8
      ? { kind: 'invalid', message: 'Too short: E.164 numbers have 7 to 15 digits after the +.' }
      : { kind: 'invalid', message: 'Too long: E.164 numbers have at most 15 digits after the +.' };
  }
  const parsed = parsePhoneNumberFromString(compact);
  const country = parsed?.country ?? null;
  const countryLabel = countryName(country);
  const warning =
    parsed && !parsed.isPossible()
      ? `The length does not look right for ${countryLabel ?? 'this calling code'}; the API will check it.`
      : !country
        ? 'The country could not be told from the calling code; the API will check the number.'
        : undefined;
  return { kind: 'plausible', e164: compact, country, countryLabel, ...(warning ? { warning } : {}) };
}
