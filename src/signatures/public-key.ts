/**
 * Public keys given in the config (`publicKey:`) or added as secrets: PEM
 * (`BEGIN PUBLIC KEY`, or `BEGIN RSA PUBLIC KEY` for PKCS#1) or the base64 of
 * the DER (SubjectPublicKeyInfo, or PKCS#1 for RSA). Private keys are refused
 * even though node:crypto would derive the public half: a private key in a
 * verifier's config is an operator mistake worth surfacing.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { SignatureInvalidError, WebhookMisconfiguredError } from './signature-errors.js';

export type PublicKeyType = 'dsa' | 'rsa' | 'ed25519';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function load(text: string, type: PublicKeyType): KeyObject {
  const trimmed = text.trim();
  if (trimmed.includes('-----BEGIN')) {
    if (/PRIVATE KEY/.test(trimmed)) throw new Error('a private key was given');
    return createPublicKey({ key: trimmed, format: 'pem' });
  }
  const compact = trimmed.replace(/\s+/g, '');
  if (!BASE64.test(compact)) throw new Error('not PEM and not base64');
  const der = Buffer.from(compact, 'base64');
  try {
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch (error) {
    if (type !== 'rsa') throw error;
    return createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
  }
}

/** The key in `text` if it is a public key of `type`, else undefined. */
export function parsePublicKey(text: string, type: PublicKeyType): KeyObject | undefined {
  try {
    const key = load(text, type);
    return key.asymmetricKeyType === type ? key : undefined;
  } catch {
    return undefined;
  }
}

export interface CandidateKey {
  id: string;
  key: KeyObject;
}

/**
 * The keys a key-based scheme tries: `publicKey` from the config (id
 * `public-key`), then every live secret that holds a key of `type` (a new
 * vendor key added with `secrets add` during a rotation). Values that do not
 * parse are skipped; none at all is a configuration error.
 */
export function candidateKeys(
  publicKey: string | undefined,
  secrets: readonly { id: string; value: string }[],
  type: PublicKeyType,
): CandidateKey[] {
  const entries = publicKey ? [{ id: 'public-key', value: publicKey }, ...secrets] : [...secrets];
  const keys: CandidateKey[] = [];
  for (const entry of entries) {
    const key = parsePublicKey(entry.value, type);
    if (key) keys.push({ id: entry.id, key });
  }
  if (keys.length === 0) throw new WebhookMisconfiguredError(`no usable ${type} public key`);
  return keys;
}

const BASE64_SIGNATURE = /^[A-Za-z0-9+/]+={0,2}$/;
const HEX_SIGNATURE = /^(?:[0-9a-fA-F]{2})+$/;

/** Signature bytes from a header, strictly decoded (node's lenient decoders would ignore stray characters). */
export function decodeSignature(value: string, encoding: 'base64' | 'hex', header: string): Buffer {
  const pattern = encoding === 'base64' ? BASE64_SIGNATURE : HEX_SIGNATURE;
  if (!pattern.test(value)) throw new SignatureInvalidError(`${header} is not ${encoding}`);
  return Buffer.from(value, encoding);
}

/** A malformed signature or key makes node:crypto throw; for the caller that is just "does not verify". */
export function safeVerify(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}
