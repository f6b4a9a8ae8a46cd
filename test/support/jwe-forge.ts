/**
 * Builds compact JWEs by hand (RFC 7516 §7.1) with any header and claims, so
 * tests can present tokens the service must refuse — with a correct key and
 * a correct GCM tag, proving that the refusal comes from the rule under test
 * and not from garbage.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const b64u = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function forgeDirJwe(header: Record<string, unknown>, payload: unknown, key: Buffer): string {
  const protectedHeader = b64u(JSON.stringify(header));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(protectedHeader, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(JSON.stringify(payload))), cipher.final()]);
  return [protectedHeader, '', b64u(iv), b64u(ciphertext), b64u(cipher.getAuthTag())].join('.');
}

/** The active (newest) token key of a keys dir, as the service stores it. */
export function readTokenKey(keysDir: string): { kid: string; key: Buffer } {
  const file = JSON.parse(readFileSync(join(keysDir, 'token-keys.json'), 'utf8')) as { keys: Array<{ kid: string; secret: string }> };
  const last = file.keys[file.keys.length - 1];
  return { kid: last.kid, key: Buffer.from(last.secret, 'base64url') };
}

/** Replaces one character of segment `index` (0 header … 4 tag) with another valid base64url character. */
export function tamper(token: string, index: number): string {
  const parts = token.split('.');
  const segment = parts[index];
  const position = Math.floor(segment.length / 2);
  const replacement = segment[position] === 'A' ? 'B' : 'A';
  parts[index] = segment.slice(0, position) + replacement + segment.slice(position + 1);
  return parts.join('.');
}
