/**
 * User tokens are compact JWE (RFC 7516 §7.1) with `alg: dir` and
 * `enc: A256GCM` only. Everything else — RSA1_5, key wrapping, PBES2,
 * ECDH-ES, compressed (`zip`) or `crit` tokens, JWS, `alg: none` — is refused
 * before any key is touched. The only file that imports jose for tokens.
 */
import { webcrypto } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';

export const TOKEN_ALG = 'dir';
export const TOKEN_ENC = 'A256GCM';
const MAX_TOKEN_LENGTH = 4096;
const COMPACT_JWE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const KID = /^[A-Za-z0-9_-]{1,64}$/;

export type TokenCipherFailure = 'malformed' | 'invalid';

export class TokenCipherError extends Error {
  constructor(readonly reason: TokenCipherFailure, detail: string) {
    super(detail);
    this.name = 'TokenCipherError';
  }
}

export interface TokenKey {
  kid: string;
  key: CryptoKey;
}

/** Imports raw key bytes once; the CryptoKey is cached per kid by the key ring. */
export async function importTokenKey(kid: string, material: Uint8Array): Promise<TokenKey> {
  if (material.byteLength !== 32) throw new Error(`token key ${kid} must be 32 bytes`);
  const key = await webcrypto.subtle.importKey('raw', material, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  return { kid, key: key as CryptoKey };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function encryptClaims(claims: object, key: TokenKey): Promise<string> {
  return new CompactEncrypt(encoder.encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: TOKEN_ALG, enc: TOKEN_ENC, kid: key.kid })
    .encrypt(key.key);
}

/**
 * Decrypts `token` with the key its header names. Throws TokenCipherError:
 * `malformed` when it is not a compact JWE at all, `invalid` for a refused
 * header, an unknown kid, or a failed authentication tag.
 */
export async function decryptToken(
  token: string,
  keyFor: (kid: string) => TokenKey | undefined,
): Promise<{ payload: unknown; kid: string }> {
  if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWE.test(token)) {
    throw new TokenCipherError('malformed', 'not a compact JWE');
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    throw new TokenCipherError('malformed', 'unreadable protected header');
  }
  if (header.alg !== TOKEN_ALG || header.enc !== TOKEN_ENC) throw new TokenCipherError('invalid', 'algorithm not allowed');
  if ('zip' in header || 'crit' in header) throw new TokenCipherError('invalid', 'header parameter not allowed');
  if (typeof header.kid !== 'string' || !KID.test(header.kid)) throw new TokenCipherError('invalid', 'bad kid');
  const key = keyFor(header.kid);
  if (!key) throw new TokenCipherError('invalid', 'unknown kid');
  let plaintext: Uint8Array;
  try {
    ({ plaintext } = await compactDecrypt(token, key.key, {
      keyManagementAlgorithms: [TOKEN_ALG],
      contentEncryptionAlgorithms: [TOKEN_ENC],
    }));
  } catch {
    throw new TokenCipherError('invalid', 'decryption failed');
  }
  try {
    return { payload: JSON.parse(decoder.decode(plaintext)), kid: header.kid };
  } catch {
    throw new TokenCipherError('invalid', 'payload is not JSON');
  }
}
