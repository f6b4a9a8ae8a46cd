/** Random identifiers and secrets; the one place that draws from the CSPRNG. */
import { randomBytes } from 'node:crypto';

/** `bytes` random bytes as base64url (no padding). */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** A short random id: `bytes` bytes as lower-case hex. */
export function randomId(bytes = 6): string {
  return randomBytes(bytes).toString('hex');
}

/** A new 256-bit token encryption key. */
export function newTokenKeyMaterial(): Buffer {
  return randomBytes(32);
}
