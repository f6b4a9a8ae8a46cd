/**
 * Checks of the `sso:` section that need more than one field or the rest of
 * the config (the DTO validates each field on its own). SsoModule runs them
 * at boot and refuses to start on any problem, naming the field to fix.
 */
import type { ChatwardenConfig } from '../config/config.schema.js';
import { isLoopbackHttp } from './oidc.adapter.js';

/** A provider name appears in URLs (`/sso/<name>/…`) and prefixes subjects (`<name>:<sub>`). */
export const PROVIDER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function ssoConfigProblems(config: Pick<ChatwardenConfig, 'sso' | 'roles'>): string[] {
  const problems: string[] = [];
  for (const [name, provider] of Object.entries(config.sso)) {
    const at = `sso.${name}`;
    if (!PROVIDER_NAME.test(name)) problems.push(`${at}: a provider name is 1-64 letters, digits, "_" or "-"`);
    const issuer = new URL(provider.issuer);
    if (issuer.search || issuer.hash) problems.push(`${at}.issuer: an issuer has no query or fragment (OpenID Connect Discovery §2)`);
    if (issuer.protocol === 'http:') {
      if (!isLoopbackHttp(provider.issuer)) {
        problems.push(`${at}.issuer: must be https (only a loopback issuer may be http, with allowInsecureHttp: true)`);
      } else if (provider.allowInsecureHttp !== true) {
        problems.push(`${at}.issuer: is http; set allowInsecureHttp: true to use a loopback provider during development`);
      }
    }
    if (provider.roleMap !== undefined) {
      if (provider.roleClaim === undefined) problems.push(`${at}.roleMap: set roleClaim, the claim whose values are mapped`);
      for (const [value, role] of Object.entries(provider.roleMap)) {
        if (typeof role !== 'string') problems.push(`${at}.roleMap.${value}: must name one role`);
        else if (!Object.hasOwn(config.roles, role)) problems.push(`${at}.roleMap.${value}: role "${role}" is not configured under roles`);
      }
    }
  }
  return problems;
}
