/**
 * The only file that imports the password hasher. Argon2id at the OWASP
 * Password Storage Cheat Sheet's first recommendation (m=19456 KiB, t=2,
 * p=1). @node-rs/argon2 hashes on the libuv thread pool, so a login never
 * blocks the event loop that answers verify calls.
 */
import { Injectable } from '@nestjs/common';
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { randomToken } from '../crypto/random.js';

/** `Algorithm.Argon2id`: the enum is `const` in the typings, which isolated modules cannot inline. */
const ARGON2ID = 2 as Algorithm;

export const PASSWORD_HASH_OPTIONS: Readonly<Options> = Object.freeze({
  algorithm: ARGON2ID,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

@Injectable()
export class PasswordHasher {
  private dummyHash?: Promise<string>;

  hash(password: string): Promise<string> {
    return hash(password, PASSWORD_HASH_OPTIONS);
  }

  /** True when `password` matches `encoded`; a damaged hash is a mismatch, not an error. */
  async verify(encoded: string, password: string): Promise<boolean> {
    try {
      return await verify(encoded, password);
    } catch {
      // A hand-edited or truncated hash must not make a login answer differently; still spend the time.
      await this.verifyAgainstDummy(password);
      return false;
    }
  }

  /**
   * The same work as a real verify, for a user that does not exist (or any
   * other refusal), so response times do not reveal which accounts exist.
   */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummyHash ??= hash(randomToken(16), PASSWORD_HASH_OPTIONS);
    await verify(await this.dummyHash, password);
    return false;
  }
}
