/**
 * Shared steps of the secret-based schemes: compute a MAC with each live
 * secret, compare it in constant time with each presented signature, and
 * report which secret matched. Every secret is tried even after a match, so
 * the time taken does not depend on the position of the matching secret.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../crypto/constant-time.js';
import type { LiveSecret } from './signature-verifier.js';
import { SignatureInvalidError, WebhookMisconfiguredError } from './signature-errors.js';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type DigestEncoding = 'hex' | 'base64';

export function hmac(algorithm: HmacAlgorithm, key: string | Buffer, parts: readonly (string | Buffer)[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * Compares a presented digest with the expected one. Hex is case-insensitive
 * (vendors differ); base64 must match exactly — its canonical form is unique.
 */
export function digestMatches(expected: Buffer, presented: string, encoding: DigestEncoding): boolean {
  return encoding === 'hex'
    ? constantTimeEqual(expected.toString('hex'), presented.toLowerCase())
    : constantTimeEqual(expected.toString('base64'), presented);
}

/** Refuses to run a secret-based check with nothing to check against. */
export function requireSecrets(secrets: readonly LiveSecret[], scheme: string): readonly LiveSecret[] {
  if (secrets.length === 0) throw new WebhookMisconfiguredError(`scheme ${scheme} has no live secret`);
  return secrets;
}

/**
 * The first secret (or key) for which `matches` answers true, trying all of
 * them. `matches` must itself compare in constant time.
 */
export function findMatchingSecret<T extends { id: string }>(candidates: readonly T[], matches: (candidate: T) => boolean): T | undefined {
  let found: T | undefined;
  for (const candidate of candidates) {
    const hit = matches(candidate);
    if (hit && !found) found = candidate;
  }
  return found;
}

/** `value` without `prefix`; a value lacking the prefix cannot be this scheme's signature. */
export function stripPrefix(value: string, prefix: string, header: string): string {
  if (!value.startsWith(prefix)) throw new SignatureInvalidError(`${header} does not start with ${prefix}`);
  return value.slice(prefix.length);
}

/**
 * The live secret whose HMAC over `parts` equals `presented`, or a
 * `signature_invalid` failure naming `header`. Secrets are used as their
 * UTF-8 bytes, which is how Slack, Meta, Intercom, Twilio, Zendesk and
 * Chatbase use theirs.
 */
export function matchHmac(args: {
  scheme: string;
  header: string;
  secrets: readonly LiveSecret[];
  algorithm: HmacAlgorithm;
  encoding: DigestEncoding;
  parts: readonly (string | Buffer)[];
  presented: string;
}): LiveSecret {
  const secrets = requireSecrets(args.secrets, args.scheme);
  const match = findMatchingSecret(secrets, (secret) =>
    digestMatches(hmac(args.algorithm, secret.value, args.parts), args.presented, args.encoding),
  );
  if (!match) throw new SignatureInvalidError(`${args.header} does not match any live secret`);
  return match;
}
