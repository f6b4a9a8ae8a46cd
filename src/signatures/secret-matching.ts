/**
 * Shared steps of the secret-based schemes: compute a MAC with each live
 * secret, compare it in constant time with each presented signature, and
 * report which secret matched. Every secret is tried even after a match, so
 * the time taken does not depend on the position of the matching secret.
 *
 * Digests are compared as bytes: the presented one is decoded once (its
 * length and alphabet are public, fixed by the scheme's algorithm), then
 * compared with `timingSafeEqual` against each secret's MAC. This sits on
 * the path of every webhook, where the string and padding copies of
 * constantTimeEqual showed up in the bench.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LiveSecret } from './signature-verifier.js';
import { SignatureInvalidError, WebhookMisconfiguredError } from './signature-errors.js';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type DigestEncoding = 'hex' | 'base64';

/** Output size of each HMAC algorithm, in bytes. */
export const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = { sha1: 20, sha256: 32, sha512: 64 };

const HEX = /^[0-9a-fA-F]*$/;

export function hmac(algorithm: HmacAlgorithm, key: string | Buffer, parts: readonly (string | Buffer)[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * The bytes of a presented digest of `length` bytes, or undefined when it
 * cannot be one. Hex is case-insensitive (vendors differ); base64 must be
 * canonical (padded, standard alphabet), its one spelling of those bytes.
 */
export function decodeDigest(presented: string, encoding: DigestEncoding, length: number): Buffer | undefined {
  if (encoding === 'hex') {
    return presented.length === 2 * length && HEX.test(presented) ? Buffer.from(presented, 'hex') : undefined;
  }
  const bytes = Buffer.from(presented, 'base64');
  return bytes.length === length && bytes.toString('base64') === presented ? bytes : undefined;
}

/** Compares a computed digest with a presented one (see decodeDigest for the encodings), in constant time. */
export function digestMatches(expected: Buffer, presented: string, encoding: DigestEncoding): boolean {
  const bytes = decodeDigest(presented, encoding, expected.length);
  return bytes !== undefined && timingSafeEqual(expected, bytes);
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
  const presented = decodeDigest(args.presented, args.encoding, DIGEST_BYTES[args.algorithm]);
  if (!presented) throw new SignatureInvalidError(`${args.header} is not a ${args.encoding} ${args.algorithm} digest`);
  const match = findMatchingSecret(secrets, (secret) => timingSafeEqual(hmac(args.algorithm, secret.value, args.parts), presented));
  if (!match) throw new SignatureInvalidError(`${args.header} does not match any live secret`);
  return match;
}
