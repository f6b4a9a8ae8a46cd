/**
 * `bots.<id>.identity` and `bots.<id>.profile` (SPEC.md "vendor identity
 * proofs"), typed for config.schema.ts and validated once at load with the
 * rest of the config. Each vendor's block is the config class its proof file
 * declares.
 */
import { Type } from 'class-transformer';
import { IsOptional, Matches, ValidateNested } from 'class-validator';
import { ChatbaseProofConfig } from './chatbase.identity-proof.js';
import { IntercomProofConfig } from './intercom.identity-proof.js';
import { SalesforceProofConfig } from './salesforce.identity-proof.js';
import { ZendeskProofConfig } from './zendesk.identity-proof.js';

export class IdentityConfig {
  @IsOptional() @ValidateNested() @Type(() => ZendeskProofConfig)
  zendesk?: ZendeskProofConfig;

  @IsOptional() @ValidateNested() @Type(() => IntercomProofConfig)
  intercom?: IntercomProofConfig;

  @IsOptional() @ValidateNested() @Type(() => ChatbaseProofConfig)
  chatbase?: ChatbaseProofConfig;

  @IsOptional() @ValidateNested() @Type(() => SalesforceProofConfig)
  salesforce?: SalesforceProofConfig;
}

const ATTRIBUTE = /^[A-Za-z0-9_.:-]{1,64}$/;
const ATTRIBUTE_MESSAGE = 'names a user attribute (users file attributes, SSO claim): letters, digits, _ . : -';

/**
 * Which user attribute feeds each profile field a proof may carry. A field
 * not named here never reaches a proof, whatever the user record holds.
 */
export class ProfileConfig {
  @IsOptional() @Matches(ATTRIBUTE, { message: `email ${ATTRIBUTE_MESSAGE}` })
  email?: string;

  @IsOptional() @Matches(ATTRIBUTE, { message: `name ${ATTRIBUTE_MESSAGE}` })
  name?: string;
}
