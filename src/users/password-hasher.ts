/**
 * The only file that imports the password hasher. Argon2id at the OWASP
 * Password Storage Cheat Sheet's first recommendation (m=19456 KiB, t=2,
 * p=1). @node-rs/argon2 hashes on the libuv thread pool, so a login never
 * blocks the event loop that answers verify calls; and at most one hash per
 * spare core runs at a time, so a burst of logins cannot take every core
 * (or all 19 MiB × pool size of memory) away from it either.
 */
import { Injectable } from '@nestjs/common';
import { availableParallelism } from 'node:os';
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

/** Hashes running at once: the cores left after the event loop's, at least one, at most the default pool size. */
const MAX_PARALLEL_HASHES = Math.max(1, Math.min(4, availableParallelism() - 1));

@Injectable()
export class PasswordHasher {
  private dummyHash?: Promise<string>;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  /** Makes the dummy hash now (the login service calls it at start), so the first unknown-user login costs no more than any other. */
  prepare(): void {
    this.dummyHash ??= this.hash(randomToken(16));
  }

  hash(password: string): Promise<string> {
    return this.limited(() => hash(password, PASSWORD_HASH_OPTIONS));
  }

  /** True when `password` matches `encoded`; a damaged hash is a mismatch, not an error. */
  async verify(encoded: string, password: string): Promise<boolean> {
    try {
      return await this.limited(() => verify(encoded, password));
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
    this.dummyHash ??= this.hash(randomToken(16));
    const dummy = await this.dummyHash;
    await this.limited(() => verify(dummy, password));
    return false;
  }

  /** Runs `work` when a hashing slot is free; a finished job hands its slot straight to the next in line. */
  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= MAX_PARALLEL_HASHES) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
