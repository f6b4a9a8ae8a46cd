/**
 * The asymmetric signing keys (SPEC.md "Keys: compromise, signing keys,
 * JWKS"): generation, the public part for the JWKS, import and compact JWS
 * signing. The only file that imports jose for signing. Algorithms are pinned
 * to ES256 (P-256, RFC 7518 §3.4) and RS256 (RSASSA-PKCS1-v1_5 with SHA-256,
 * RFC 7518 §3.3; 2048-bit modulus at least).
 */
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

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

/** A loaded signing key: the non-extractable private CryptoKey and the public JWK the JWKS shows. */
export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function importSigningKey(kid: string, alg: SigningAlg, privateJwk: JWK): Promise<SigningKey> {
  checkShape(privateJwk, alg);
  if (typeof privateJwk.d !== 'string') throw new Error(`signing key ${kid} has no private part`);
  // Without `ext`/`alg`/`kid` from the file: the algorithm is ours (pinned), the key stays non-extractable.
  const { ext: _ext, alg: _alg, kid: _kid, key_ops: _ops, use: _use, ...material } = privateJwk;
  const privateKey = (await importJWK(material, alg, { extractable: false })) as CryptoKey;
  return { kid, alg, privateKey, publicJwk: publicJwkOf(privateJwk, alg, kid) };
}

/** A compact JWS of `claims` as given, header `alg`, `kid` and `typ` when set. */
export function signJwt(claims: Record<string, unknown>, key: SigningKey, typ?: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, ...(typ !== undefined && { typ }) }).sign(key.privateKey);
}

function checkShape(jwk: JWK, alg: SigningAlg): void {
  if (alg === 'ES256' && (jwk.kty !== 'EC' || jwk.crv !== 'P-256')) throw new Error('an ES256 key must be an EC P-256 key');
  if (alg === 'RS256') {
    if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string') throw new Error('an RS256 key must be an RSA key');
    if (Buffer.from(jwk.n, 'base64url').length * 8 < RSA_MODULUS_BITS) throw new Error(`an RS256 key needs at least ${RSA_MODULUS_BITS} bits`);
  }
}
