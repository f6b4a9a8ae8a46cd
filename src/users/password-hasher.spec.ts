import { parseOptions } from '@node-rs/argon2';
import { PasswordHasher } from './password-hasher.js';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('hashes with argon2id at the OWASP parameters (m=19456 KiB, t=2, p=1)', async () => {
    const encoded = await hasher.hash('correct horse battery');
    expect(encoded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(parseOptions(encoded)).toMatchObject({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
  });

  it('salts every hash', async () => {
    expect(await hasher.hash('same password')).not.toBe(await hasher.hash('same password'));
  });

  it('verifies the right password only', async () => {
    const encoded = await hasher.hash('correct horse battery');
    expect(await hasher.verify(encoded, 'correct horse battery')).toBe(true);
    expect(await hasher.verify(encoded, 'correct horse batterY')).toBe(false);
    expect(await hasher.verify(encoded, '')).toBe(false);
  });

  it('treats a damaged hash as a mismatch, not an error', async () => {
    const encoded = await hasher.hash('correct horse battery');
    await expect(hasher.verify(encoded.slice(0, 30), 'correct horse battery')).resolves.toBe(false);
    await expect(hasher.verify('not a hash', 'x')).resolves.toBe(false);
  });

  it('the dummy verify for unknown users always refuses', async () => {
    await expect(hasher.verifyAgainstDummy('anything')).resolves.toBe(false);
  });
});
