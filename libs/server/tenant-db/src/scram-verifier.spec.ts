import { createHash, createHmac } from 'node:crypto';
import { scramSha256Verifier } from './scram-verifier';

/** RFC 7677, section 3: user "user", password "pencil". */
const RFC = {
  password: 'pencil',
  salt: 'W22ZaJ0SNY7soEsUEjb6gQ==',
  authMessage:
    'n=user,r=rOprNGfwEbeRWgbNEkqO,' +
    'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,' +
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
  clientProof: 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverSignature: '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

function parse(verifier: string) {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier);
  if (!m) throw new Error(`not a verifier: ${verifier}`);
  return {
    iterations: Number(m[1]),
    salt: m[2]!,
    storedKey: Buffer.from(m[3]!, 'base64'),
    serverKey: Buffer.from(m[4]!, 'base64'),
  };
}

describe('scramSha256Verifier', () => {
  it('matches the RFC 7677 exchange: the server signature and the client proof check out', () => {
    const v = parse(scramSha256Verifier(RFC.password, Buffer.from(RFC.salt, 'base64')));
    expect(v.iterations).toBe(4096);
    expect(v.salt).toBe(RFC.salt);
    const serverSignature = createHmac('sha256', v.serverKey).update(RFC.authMessage).digest('base64');
    expect(serverSignature).toBe(RFC.serverSignature);
    const clientSignature = createHmac('sha256', v.storedKey).update(RFC.authMessage).digest();
    const proof = Buffer.from(RFC.clientProof, 'base64');
    const clientKey = Buffer.from(proof.map((b, i) => b ^ clientSignature[i]!));
    expect(createHash('sha256').update(clientKey).digest().equals(v.storedKey)).toBe(true);
  });

  it('never contains the password and salts every verifier differently', () => {
    const a = scramSha256Verifier('correct horse battery staple');
    const b = scramSha256Verifier('correct horse battery staple');
    expect(a).not.toContain('correct horse');
    expect(a).not.toBe(b);
  });
});
