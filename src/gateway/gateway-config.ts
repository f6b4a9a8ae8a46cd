/**
 * `bots.<id>.gateway` (SPEC.md "Webhook gateway"): where chatwarden forwards
 * the vendor's allowed webhook calls. The upstream comes from config only —
 * never from the request — and is checked at load: an http(s) URL without
 * credentials, query or fragment, since the action is appended to its path.
 */
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, Validate, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { isTokenField } from '../webhooks/token-extractor.js';

/** An http(s) URL whose path the action can be appended to. */
export function upstreamProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'upstream must be an http(s) URL';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'upstream must be an http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'upstream must be an http:// or https:// URL';
  if (url.username !== '' || url.password !== '') return 'upstream must not carry credentials';
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) return 'upstream must not have a query or fragment (the action is appended to its path)';
  return undefined;
}

@ValidatorConstraint({ name: 'gatewayUpstream' })
class UpstreamConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return upstreamProblem(value) === undefined;
  }
  defaultMessage(args?: { value: unknown }): string {
    return upstreamProblem(args?.value) ?? 'upstream is not valid';
  }
}

@ValidatorConstraint({ name: 'gatewayActionField' })
class ActionFieldConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isTokenField(value);
  }
  defaultMessage(): string {
    return 'actionField must be a field name or a dotted JSON path such as action or params.action';
  }
}

export const DEFAULT_GATEWAY_TIMEOUT_SECONDS = 10;

export class GatewayConfig {
  /** The handler's base URL; the action is appended: https://h.internal/chat → /chat/orders.lookup. */
  @IsString() @Validate(UpstreamConstraint)
  upstream: string;

  /** Where the action is in the body when the URL (`/hooks/:bot`) does not name it. */
  @IsOptional() @IsString() @Validate(ActionFieldConstraint)
  actionField?: string;

  /** The whole upstream call's bound; keep it below the vendor's own deadline. */
  @IsOptional() @IsInt() @Min(1) @Max(120)
  timeoutSeconds?: number;

  /** The assertion's `aud`; default the upstream's origin. */
  @IsOptional() @IsString() @MaxLength(256) @Matches(/^\S+$/, { message: 'audience must not contain spaces' })
  audience?: string;
}
