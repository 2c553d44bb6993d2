/**
 * The page's Content-Security-Policy: everything from our own origin, nothing inline, nothing
 * framed. `img-src data:` is for the empty inline favicon; `style-src 'self'` works because React
 * sets style properties through the CSSOM, which CSP does not govern, and the page has no inline styles.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const DASHBOARD_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': DASHBOARD_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy':
    'camera=(), microphone=(), geolocation=(), payment=(), usb=(), clipboard-read=(), clipboard-write=(self)',
};

/** Sent only over HTTPS (directly or behind a proxy the API trusts): HSTS on plain HTTP is ignored anyway. */
export const HSTS = 'max-age=31536000; includeSubDomains';
