/**
 * The asymmetric signing keys (SPEC.md "Keys: compromise, signing keys,
 * JWKS"): generation, the public part for the JWKS, import and compact JWS
 * signing. The only file that signs with them. Algorithms are pinned to ES256
 * (P-256, RFC 7518 §3.4) and RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518
 * §3.3; 2048-bit modulus at least).
 *
 * Signing uses node:crypto's one-shot `sign` on a KeyObject rather than
 * WebCrypto (through jose): the gateway signs an assertion per forwarded
 * webhook, and WebCrypto's asynchronous ECDSA measured about 300 µs a
 * signature against about 80 µs here. The compact serialization is RFC 7515
 * §7.1: BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature),
 * ECDSA signatures as R || S (RFC 7518 §3.4, `dsaEncoding: 'ieee-p1363'`).
 * Every test verifies what this signs with jose.
 */
import { createPrivateKey, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export const SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const;
export type SigningAlg = (typeof SIGNING_ALGORITHMS)[number];

const RSA_MODULUS_BITS = 2048;

/** The public members a JWKS may carry, per key type (RFC 7518 §6.2.1, §6.3.1); nothing else is ever copied. */
const PUBLIC_MEMBERS: Record<string, readonly string[]> = { EC: ['kty', 'crv', 'x', 'y'], RSA: ['kty', 'n', 'e'] };

export function isSigningAlg(value: unknown): value is SigningAlg {
  return typeof value === 'string' && (SIGNING_ALGORITHMS as readonly string[]).includes(value);
}

/** A new key pair; the private key as a JWK (kept in the keys dir, 0600). */
export async function generateSigningJwk(alg: SigningAlg): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' && { modulusLength: RSA_MODULUS_BITS }) });
  const jwk = await exportJWK(privateKey);
  checkShape(jwk, alg);
  return jwk;
}

/** The public JWK of a private one, built from an allow-list of members: the private parts (d, p, q, dp, dq, qi, oth) can never leak. */
export function publicJwkOf(privateJwk: JWK, alg: SigningAlg, kid: string): JWK {
  checkShape(privateJwk, alg);
  const members = PUBLIC_MEMBERS[privateJwk.kty!];
  const picked = Object.fromEntries(members.map((name) => [name, (privateJwk as Record<string, unknown>)[name]]));
  return { ...picked, kid, alg, use: 'sig' } as JWK;
}

/** A loaded signing key: the private KeyObject (never exported again) and the public JWK the JWKS shows. */
export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyObject;
  publicJwk: JWK;
}

export async function importSigningKey(kid: string, alg: SigningAlg, privateJwk: JWK): Promise<SigningKey> {
  checkShape(privateJwk, alg);
  if (typeof privateJwk.d !== 'string') throw new Error(`signing key ${kid} has no private part`);
  // Without `ext`/`alg`/`kid` from the file: the algorithm is ours (pinned).
  const { ext: _ext, alg: _alg, kid: _kid, key_ops: _ops, use: _use, ...material } = privateJwk;
  const privateKey = createPrivateKey({ key: material as JsonWebKey, format: 'jwk' });
  return { kid, alg, privateKey, publicJwk: publicJwkOf(privateJwk, alg, kid) };
}

/** A compact JWS of `claims` as given, header `alg`, `kid` and `typ` when set. */
export async function signJwt(claims: Record<string, unknown>, key: SigningKey, typ?: string): Promise<string> {
  const header = { alg: key.alg, kid: key.kid, ...(typ !== undefined && { typ }) };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(input), key.alg === 'ES256' ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' } : key.privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function checkShape(jwk: JWK, alg: SigningAlg): void {
  if (alg === 'ES256' && (jwk.kty !== 'EC' || jwk.crv !== 'P-256')) throw new Error('an ES256 key must be an EC P-256 key');
  if (alg === 'RS256') {
    if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string') throw new Error('an RS256 key must be an RSA key');
    if (Buffer.from(jwk.n, 'base64url').length * 8 < RSA_MODULUS_BITS) throw new Error(`an RS256 key needs at least ${RSA_MODULUS_BITS} bits`);
  }
}
