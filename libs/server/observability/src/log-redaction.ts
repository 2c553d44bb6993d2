/**
 * Paths pino replaces with [redacted] wherever they appear in a log line. Request and response
 * serializers already leave headers and bodies out; this is the second line of defence.
 */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
  '*.key',
  '*.secret',
  '*.secretHash',
  '*.apiKey',
  '*.authorization',
];
