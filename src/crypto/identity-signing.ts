/**
 * The symmetric primitives of vendor identity proofs (SPEC.md "vendor identity
 * proofs"): an HS256 JWT (Zendesk Messaging, Intercom Messenger) and a hex
 * HMAC-SHA256 user hash (Chatbase, Intercom's legacy `user_hash`). The
 * vendors' own sample code uses the secret as its UTF-8 text (jsonwebtoken's
 * `jwt.sign(payload, secret)`, `crypto.createHmac('sha256', secret)`), so
 * this does too.
 */
import { createHmac } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';

/** A compact JWS, HS256 pinned; `kid` goes into the protected header when given. */
export function signHs256Jwt(claims: JWTPayload, secret: string, kid?: string): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...(kid !== undefined && { kid }) })
    .sign(new TextEncoder().encode(secret));
}

/** HMAC-SHA256(secret, message) as lower-case hex. */
export function hmacSha256Hex(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message, 'utf8').digest('hex');
}
