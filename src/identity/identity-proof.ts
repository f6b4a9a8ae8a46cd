/**
 * What one vendor identity proof declares about itself (SPEC.md "The user in
 * every seed vendor's conversation, and vendor identity proofs"): the shape
 * of its `bots.<id>.identity.<vendor>` block (a class-validator class), which
 * of its fields are secrets (refused as literals in production), the limits
 * the vendor puts on the user id, and how it mints. One file per vendor,
 * gathered by identity-proof.registry.ts.
 */
import type { ClassConstructor } from 'class-transformer';
import type { JwtSigner } from '../keys/jwt-signer.js';

/** The user attributes a proof may carry, only those the bot's `profile` names. */
export interface IdentityProfile {
  email?: string;
  name?: string;
}

export interface IdentityUser {
  /** The token's subject; every vendor's user id. */
  subject: string;
  profile: IdentityProfile;
}

export interface MintContext {
  /** Now, in epoch seconds. */
  now: number;
  /** The token's `exp` (epoch seconds): no proof may outlive it. */
  expiresAt: number;
  /** chatwarden's publicUrl, the `iss` of asymmetric proofs. */
  publicUrl: string;
  /** The signing key set, when the app provides it (asymmetric proofs need it). */
  signer?: JwtSigner;
}

/** A compact JWT, or a user id with its hash (Chatbase, Intercom's legacy mode). */
export type ProofValue = string | { userId: string; userHash: string };

export interface IdentityProof<Config extends object> {
  /** The key under `bots.<id>.identity` and in the `identity` answer. */
  readonly vendor: string;
  readonly configClass: ClassConstructor<Config>;
  /** Secret fields, as dot paths below the vendor's block (`*` for any index). */
  readonly secretPaths: readonly string[];
  /** Whether minting needs the signing key set (JwtSigner). */
  readonly needsSigner: boolean;
  /** Why `subject` cannot be this vendor's user id, or undefined when it can. */
  subjectProblem(subject: string): string | undefined;
  mint(config: Config, user: IdentityUser, context: MintContext): Promise<ProofValue>;
}
