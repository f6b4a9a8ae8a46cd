/**
 * Mints the vendor identity proofs a bot configures (`bots.<id>.identity`)
 * for every token answer: `{ zendesk: "<JWT>", intercom: "<JWT>", chatbase:
 * { userId, userHash }, salesforce: "<JWT>" }`. Each proof expires no later
 * than the token it travels with, and carries a profile attribute only when
 * `bots.<id>.profile` names it.
 *
 * `assertCanMint` runs before a session is created, so a subject a vendor
 * cannot take, or a proof whose signing key set is missing, refuses the login
 * instead of half-applying it.
 */
import { Injectable, Optional } from '@nestjs/common';
import { appError } from '../common/error-catalog.js';
import { AppConfig } from '../config/app-config.js';
import type { BotConfig } from '../config/config.schema.js';
import { JwtSigner } from '../keys/jwt-signer.js';
import type { IdentityProfile, IdentityProof, IdentityUser, ProofValue } from './identity-proof.js';
import { IDENTITY_PROOFS } from './identity-proof.registry.js';

export type IdentityProofs = Record<string, ProofValue>;

/** Longest accepted profile value (an e-mail address is at most 254 characters, RFC 5321 §4.5.3.1.3). */
const PROFILE_VALUE_MAX = 254;

@Injectable()
export class IdentityService {
  constructor(
    private readonly config: AppConfig,
    // Provided by the signing key set once it is wired; without it the app still boots and only the RS256 proofs refuse.
    @Optional() private readonly signer?: JwtSigner,
  ) {}

  /** Vendor names whose proofs `bot` mints, in registry order. */
  vendorsFor(bot: string): string[] {
    return this.configured(bot).map(({ proof }) => proof.vendor);
  }

  /**
   * The profile fields `bot` lets proofs carry, read from the user's
   * attributes (users file `attributes`, SSO claims, the issuing site's
   * `attributes`); undefined when the bot names none or none is present.
   */
  profileFor(bot: string, attributes: Record<string, unknown> | undefined): IdentityProfile | undefined {
    const names = this.botConfig(bot)?.profile;
    if (!names || !attributes) return undefined;
    const profile: IdentityProfile = {};
    for (const field of ['email', 'name'] as const) {
      const attribute = names[field];
      if (attribute === undefined || !Object.hasOwn(attributes, attribute)) continue;
      const value = attributes[attribute];
      if (typeof value === 'string' && value.trim() !== '' && value.length <= PROFILE_VALUE_MAX) profile[field] = value.trim();
    }
    return Object.keys(profile).length > 0 ? profile : undefined;
  }

  /**
   * Refuses, before anything is stored: a vendor the bot does not configure
   * (when `requested` names one), a subject a vendor's claim cannot hold, a
   * proof that needs the signing key set when none is provided.
   */
  assertCanMint(bot: string, subject: string, requested?: readonly string[]): void {
    const configured = this.configured(bot);
    for (const vendor of requested ?? []) {
      if (!configured.some(({ proof }) => proof.vendor === vendor)) {
        throw appError('identity_not_configured', { detail: `bot ${bot} has no identity.${safeName(vendor)} block; it configures: ${configured.map(({ proof }) => proof.vendor).join(', ') || 'none'}` });
      }
    }
    for (const { proof } of configured) {
      const problem = proof.subjectProblem(subject);
      if (problem !== undefined) throw appError('identity_subject_invalid', { detail: `identity.${proof.vendor}: ${problem}` });
      if (proof.needsSigner && !this.signer) {
        throw appError('identity_unavailable', { detail: `identity.${proof.vendor} needs the signing key set, which is not available` });
      }
    }
  }

  /** Every configured proof for `user`, expiring at `expiresAt` (epoch seconds); undefined when the bot configures none. */
  async mint(bot: string, user: IdentityUser, expiresAt: number): Promise<IdentityProofs | undefined> {
    const configured = this.configured(bot);
    if (configured.length === 0) return undefined;
    const context = { now: Math.floor(Date.now() / 1000), expiresAt, publicUrl: this.config.publicUrl, signer: this.signer };
    const proofs: IdentityProofs = {};
    for (const { proof, config } of configured) proofs[proof.vendor] = await proof.mint(config, user, context);
    return proofs;
  }

  private configured(bot: string): Array<{ proof: IdentityProof<object>; config: object }> {
    const identity = this.botConfig(bot)?.identity as Record<string, object | undefined> | undefined;
    if (!identity) return [];
    return IDENTITY_PROOFS.flatMap((proof) => {
      const config = Object.hasOwn(identity, proof.vendor) ? identity[proof.vendor] : undefined;
      return config === undefined ? [] : [{ proof, config }];
    });
  }

  private botConfig(bot: string): BotConfig | undefined {
    return Object.hasOwn(this.config.bots, bot) ? this.config.bots[bot] : undefined;
  }
}

function safeName(name: string): string {
  return /^[A-Za-z0-9_-]{1,40}$/.test(name) ? name : '?';
}
