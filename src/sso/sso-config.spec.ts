import { SsoProviderConfig } from '../config/config.schema.js';
import { ssoConfigProblems } from './sso-config.js';

function provider(fields: Partial<SsoProviderConfig>): SsoProviderConfig {
  return Object.assign(new SsoProviderConfig(), { issuer: 'https://idp.example.com', clientId: 'chatwarden' }, fields);
}

const roles = { customer: ['orders:read'] };

describe('ssoConfigProblems', () => {
  it('accepts an https issuer with a role map onto configured roles', () => {
    expect(ssoConfigProblems({ roles, sso: { corp: provider({ roleClaim: 'groups', roleMap: { staff: 'customer' } }) } })).toEqual([]);
  });

  it('refuses an http issuer unless it is loopback and allowInsecureHttp is set', () => {
    expect(ssoConfigProblems({ roles, sso: { corp: provider({ issuer: 'http://idp.example.com', allowInsecureHttp: true }) } })).toEqual([
      'sso.corp.issuer: must be https (only a loopback issuer may be http, with allowInsecureHttp: true)',
    ]);
    expect(ssoConfigProblems({ roles, sso: { corp: provider({ issuer: 'http://127.0.0.1:4000' }) } })).toEqual([
      'sso.corp.issuer: is http; set allowInsecureHttp: true to use a loopback provider during development',
    ]);
    expect(ssoConfigProblems({ roles, sso: { corp: provider({ issuer: 'http://localhost:4000', allowInsecureHttp: true }) } })).toEqual([]);
  });

  it('refuses roleMap entries naming roles that are not configured, and a roleMap without roleClaim', () => {
    expect(ssoConfigProblems({ roles, sso: { corp: provider({ roleMap: { staff: 'admin' } }) } })).toEqual([
      'sso.corp.roleMap: set roleClaim, the claim whose values are mapped',
      'sso.corp.roleMap.staff: role "admin" is not configured under roles',
    ]);
  });

  it('refuses provider names that cannot be a URL segment or subject prefix, and issuers with a query', () => {
    expect(ssoConfigProblems({ roles, sso: { 'corp sso': provider({}), corp: provider({ issuer: 'https://idp.example.com/?tenant=1' }) } })).toEqual([
      'sso.corp sso: a provider name is 1-64 letters, digits, "_" or "-"',
      'sso.corp.issuer: an issuer has no query or fragment (OpenID Connect Discovery §2)',
    ]);
  });
});
