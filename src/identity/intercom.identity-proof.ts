/**
 * Intercom Messenger identity verification: an HS256 JWT signed with the
 * Messenger API secret, `user_id` (required) and `exp`, plus the profile
 * attributes as signed attributes; the host hands it to the Messenger as
 * `intercom_user_jwt`. `userHash: true` mints the legacy form instead:
 * `user_hash` = HMAC-SHA256(secret, user_id) hex (VENDORS.md; developers.
 * intercom.com installing-intercom/web/identity-verification).
 */
import { IsBoolean, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { hmacSha256Hex, signHs256Jwt } from '../crypto/identity-signing.js';
import type { IdentityProof } from './identity-proof.js';

export class IntercomProofConfig {
  @IsString() @IsNotEmpty({ message: 'secret must not be empty' })
  secret: string;

  /** Mint the legacy `{ userId, userHash }` instead of the JWT (workspaces not yet moved to JWTs). */
  @IsOptional() @IsBoolean()
  userHash?: boolean;
}

export const intercomIdentityProof: IdentityProof<IntercomProofConfig> = {
  vendor: 'intercom',
  configClass: IntercomProofConfig,
  secretPaths: ['secret'],
  needsSigner: false,
  subjectProblem: () => undefined,
  async mint(config, user, context) {
    if (config.userHash === true) return { userId: user.subject, userHash: hmacSha256Hex(config.secret, user.subject) };
    return signHs256Jwt(
      {
        user_id: user.subject,
        ...(user.profile.email !== undefined && { email: user.profile.email }),
        ...(user.profile.name !== undefined && { name: user.profile.name }),
        exp: context.expiresAt,
      },
      config.secret,
    );
  },
};
