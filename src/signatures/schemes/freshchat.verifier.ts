/**
 * Freshchat webhooks (Freshchat developer docs, "Webhooks: authentication"):
 * `X-Freshchat-Signature` is the base64 RSA signature (PKCS#1 v1.5, SHA-256)
 * of the raw body, verified with the RSA public key shown in Freshchat's
 * webhook settings. `hash` and `signatureEncoding` can be changed should a
 * deployment differ; the defaults are the documented ones.
 */
import { constants, verify as verifySignature } from 'node:crypto';
import { SignatureVerifier, type SignedRequest, type VerificationOutcome, type VerifierContext } from '../signature-verifier.js';
import { findMatchingSecret } from '../secret-matching.js';
import { candidateKeys, decodeSignature, safeVerify } from '../public-key.js';
import { requireHeader } from '../signed-request.js';
import { SignatureInvalidError } from '../signature-errors.js';

const HEADER = 'x-freshchat-signature';

export class FreshchatVerifier extends SignatureVerifier {
  readonly scheme = 'freshchat' as const;

  verify(request: SignedRequest, context: VerifierContext): VerificationOutcome {
    const { options } = context;
    const hash = options.hash ?? 'sha256';
    const signature = decodeSignature(requireHeader(request, HEADER), options.signatureEncoding ?? 'base64', HEADER);
    const keys = candidateKeys(options.publicKey, context.secrets, 'rsa');
    const match = findMatchingSecret(keys, ({ key }) =>
      safeVerify(() => verifySignature(hash, request.body, { key, padding: constants.RSA_PKCS1_PADDING }, signature)),
    );
    if (!match) throw new SignatureInvalidError(`${HEADER} does not verify with any configured key`);
    return { secretId: match.id };
  }
}
