/**
 * Zoho ConvoKraft (docs.catalyst.zoho.com, ConvoKraft "Webhooks: Securing
 * Webhook Calls"): ConvoKraft signs each call with a DSA private key and sends
 * the signature in `X-CONVOKRAFT-SIGNATURE`; the Catalyst console shows the
 * public key. The document does not say which bytes are signed, which digest
 * is used, nor how the signature is encoded, so all three are options. The
 * defaults are our best reading, UNCONFIRMED by any public source:
 * - signed bytes: the raw request body;
 * - `hash`: sha256 (sha1 selectable);
 * - `signatureEncoding`: base64 (hex selectable);
 * - `dsaEncoding`: der, the ASN.1 SEQUENCE { r, s } that Java's
 *   `Signature.getInstance("SHA256withDSA")` produces (ieee-p1363 selectable).
 */
import { verify as verifySignature } from 'node:crypto';
import { SignatureVerifier, type SignedRequest, type VerificationOutcome, type VerifierContext } from '../signature-verifier.js';
import { findMatchingSecret } from '../secret-matching.js';
import { candidateKeys, decodeSignature, safeVerify } from '../public-key.js';
import { requireHeader } from '../signed-request.js';
import { SignatureInvalidError } from '../signature-errors.js';

const HEADER = 'x-convokraft-signature';
export const CONVOKRAFT_DEFAULTS = { hash: 'sha256', signatureEncoding: 'base64', dsaEncoding: 'der' } as const;

export class ConvokraftVerifier extends SignatureVerifier {
  readonly scheme = 'convokraft' as const;

  verify(request: SignedRequest, context: VerifierContext): VerificationOutcome {
    const { options } = context;
    const hash = options.hash ?? CONVOKRAFT_DEFAULTS.hash;
    const dsaEncoding = options.dsaEncoding ?? CONVOKRAFT_DEFAULTS.dsaEncoding;
    const encoding = options.signatureEncoding ?? CONVOKRAFT_DEFAULTS.signatureEncoding;
    const signature = decodeSignature(requireHeader(request, HEADER), encoding, HEADER);
    const keys = candidateKeys(options.publicKey, context.secrets, 'dsa');
    const match = findMatchingSecret(keys, ({ key }) =>
      safeVerify(() => verifySignature(hash, request.body, { key, dsaEncoding }, signature)),
    );
    if (!match) throw new SignatureInvalidError(`${HEADER} does not verify with any configured key`);
    return { secretId: match.id };
  }
}
