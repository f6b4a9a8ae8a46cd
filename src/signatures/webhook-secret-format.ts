/**
 * What a webhook secret looks like for each scheme, so that `secrets add`
 * refuses a value the bot's verifier could never use and `--generate` writes
 * one in the format the vendor expects. Config secrets are checked with the
 * same rules (webhook-config.dto.ts).
 */
import { randomToken } from '../crypto/random.js';
import { parsePublicKey, type PublicKeyType } from './public-key.js';
import type { WebhookScheme } from './webhook-scheme.js';

/**
 * - `shared`: chosen by the operator and typed into the vendor's console (or
 *   a sender we configure), so chatwarden can generate it;
 * - `vendor-issued`: the vendor generates it and shows it; copy it in;
 * - `public-key`: the vendor's public key, added during a key rotation;
 * - `none`: the scheme has no secrets (Bot Framework uses Microsoft's keys).
 */
export type SecretKind = 'shared' | 'vendor-issued' | 'public-key' | 'none';

export const SECRET_KINDS: Readonly<Record<WebhookScheme, SecretKind>> = {
  chatbase: 'vendor-issued',
  convokraft: 'public-key',
  ingenious: 'vendor-issued',
  chatbotcom: 'shared',
  inbenta: 'shared',
  'standard-webhooks': 'shared',
  slack: 'vendor-issued',
  meta: 'vendor-issued',
  zendesk: 'vendor-issued',
  intercom: 'vendor-issued',
  twilio: 'vendor-issued',
  freshchat: 'public-key',
  botframework: 'none',
  hmac: 'shared',
};

const KEY_TYPES: Partial<Record<WebhookScheme, PublicKeyType>> = { convokraft: 'dsa', freshchat: 'rsa' };
const MAX_SECRET_LENGTH = 16 * 1024;
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Standard Webhooks 1.0: `whsec_` + base64 of the HMAC key, or `whpk_` + base64 of a raw 32-byte Ed25519 key. */
const STANDARD_WEBHOOKS_SECRET = /^(whsec_|whpk_)?[A-Za-z0-9+/]+={0,2}$/;

/**
 * Why `value` cannot be a secret of `scheme`, or undefined when it can. The
 * answer reads after "the secret " or "secrets[0] "; it never quotes the value.
 */
export function secretValueProblem(scheme: WebhookScheme, value: string): string | undefined {
  if (SECRET_KINDS[scheme] === 'none') return `is not used: scheme ${scheme} checks the vendor's published keys and has no secrets`;
  if (value.length === 0) return 'is empty';
  if (value.length > MAX_SECRET_LENGTH) return `is longer than ${MAX_SECRET_LENGTH} characters`;
  const keyType = KEY_TYPES[scheme];
  if (keyType) {
    return parsePublicKey(value, keyType) ? undefined : `must be the vendor's ${keyType.toUpperCase()} public key, as PEM or base64 DER`;
  }
  if (scheme === 'standard-webhooks') {
    const wellFormed =
      STANDARD_WEBHOOKS_SECRET.test(value) && (!value.startsWith('whpk_') || Buffer.from(value.slice(5), 'base64').length === 32);
    return wellFormed ? undefined : 'must be a whsec_… signing secret or a whpk_… Ed25519 public key (32 bytes, base64)';
  }
  if (CONTROL.test(value)) return 'contains control characters (a stray newline or tab?)';
  return undefined;
}

/** A fresh secret for `scheme`, or undefined when chatwarden cannot make one (the vendor issues it). */
export function generateSecretValue(scheme: WebhookScheme): string | undefined {
  if (SECRET_KINDS[scheme] !== 'shared') return undefined;
  // 256 bits either way; Standard Webhooks wants base64 behind the prefix, the
  // others travel in headers, where base64url needs no escaping.
  if (scheme === 'standard-webhooks') return `whsec_${Buffer.from(randomToken(32), 'base64url').toString('base64')}`;
  return randomToken(32);
}
