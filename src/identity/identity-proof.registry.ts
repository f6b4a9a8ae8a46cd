/**
 * Every vendor identity proof, one file each. Adding a vendor: write
 * `<vendor>.identity-proof.ts` (an IdentityProof with its config class), list
 * it here and give IdentityConfig (identity-config.ts) a property of that
 * name; the secret paths, the config check and the minting follow.
 */
import { chatbaseIdentityProof } from './chatbase.identity-proof.js';
import type { IdentityProof } from './identity-proof.js';
import { intercomIdentityProof } from './intercom.identity-proof.js';
import { salesforceIdentityProof } from './salesforce.identity-proof.js';
import { zendeskIdentityProof } from './zendesk.identity-proof.js';

export const IDENTITY_PROOFS: readonly IdentityProof<object>[] = [
  zendeskIdentityProof,
  intercomIdentityProof,
  chatbaseIdentityProof,
  salesforceIdentityProof,
];

/** The accepted keys of `bots.<id>.identity`. */
export const IDENTITY_VENDORS: readonly string[] = IDENTITY_PROOFS.map((proof) => proof.vendor);

/** Config paths (config.loader's SECRET_PATHS form) whose literal values production refuses. */
export const IDENTITY_SECRET_PATHS: readonly string[] = IDENTITY_PROOFS.flatMap((proof) =>
  proof.secretPaths.map((path) => `bots.*.identity.${proof.vendor}.${path}`),
);

/** The proof of `vendor`, looked up as an own name only. */
export function identityProofFor(vendor: string): IdentityProof<object> | undefined {
  return IDENTITY_PROOFS.find((proof) => proof.vendor === vendor);
}
