import { ValidationFailedError } from '@bsp/errors';
import { parseE164 } from './e164';

describe('parseE164', () => {
  it.each([
    ['+4915123456789', 'DE'],
    ['+14155552671', 'US'],
    ['+442071838750', 'GB'],
    ['+447911123456', 'GG'],
    ['+5511987654321', 'BR'],
    ['+919876543210', 'IN'],
  ])('accepts %s as a real number in %s', (input, country) => {
    expect(parseE164(input)).toEqual({ e164: input, country });
  });

  it.each([
    '4915123456789',
    '+49 151 23456789',
    '+49-151-23456789',
    '+0123456789',
    '+4915',
    '+49151234567890123',
    '+abc',
    '',
    '+4900000000',
    '+1555',
  ])('rejects %j with a validation error on phoneNumber', (input) => {
    try {
      parseE164(input);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationFailedError);
      expect((error as ValidationFailedError).options.errors).toEqual([
        expect.objectContaining({ field: 'phoneNumber', code: 'invalidPhoneNumber' }),
      ]);
    }
  });
});
