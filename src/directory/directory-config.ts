/**
 * `login.directory` (SPEC.md "Login: directory, second factors, step-up"):
 * the LDAP / Active Directory server the password login checks after the
 * users file. The DTO validates each field; directoryConfigProblems() holds
 * the checks that need several fields or the rest of the config. Both run at
 * config load, so a plain-text directory on another host never starts.
 */
import { existsSync } from 'node:fs';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { isIP } from 'node:net';

export class DirectoryTimeouts {
  /** TCP connect plus TLS handshake (and StartTLS) of one connection. */
  @IsInt() @Min(100) @Max(60_000)
  connectMs = 3000;

  /** Each bind or search; the login answers 503 `directory_unavailable` when one takes longer. */
  @IsInt() @Min(100) @Max(60_000)
  operationMs = 5000;
}

export type GroupsFrom = 'memberOf' | 'search';

export class DirectoryConfig {
  /** `ldaps://host[:port]`, or `ldap://` with `startTls: true` or on a loopback address. */
  @Matches(/^ldaps?:\/\/[^/?#\s]+\/?$/i, { message: 'url must be ldaps://host[:port] or ldap://host[:port] (no path or query)' })
  url: string;

  /** Upgrade an `ldap://` connection with StartTLS (RFC 4513 §3) before any bind. */
  @IsBoolean()
  startTls = false;

  /** PEM file with the CA(s) that signed the directory's certificate (else the system's CAs). */
  @IsOptional() @IsString()
  caFile?: string;

  /** The service account that searches users and groups. */
  @IsString() @MinLength(1)
  bindDn: string;

  /** Written `{ env: NAME }` or `{ file: PATH }` (a literal is refused in production). */
  @IsString() @MinLength(1)
  bindPassword: string;

  @IsString() @MinLength(1)
  userBase: string;

  /** `{username}` is replaced by the typed username, escaped per RFC 4515 §3. */
  @IsString() @MaxLength(2000)
  userFilter = '(&(objectClass=inetOrgPerson)(uid={username}))';

  /**
   * A user entry that also matches this filter is refused (reason `disabled`
   * in the audit line) before any bind, e.g. `(pwdAccountLockedTime=*)` or
   * AD's `(userAccountControl:1.2.840.113556.1.4.803:=2)`.
   */
  @IsOptional() @IsString() @MaxLength(2000)
  disabledFilter?: string;

  /** `memberOf`: the user entry's memberOf values; `search`: groups under groupBase matching groupFilter. */
  @IsIn(['memberOf', 'search'])
  groupsFrom: GroupsFrom = 'memberOf';

  /** The attribute read when groupsFrom is memberOf. */
  @IsString() @MinLength(1)
  memberOfAttribute = 'memberOf';

  @IsOptional() @IsString()
  groupBase?: string;

  /** `{dn}` is the user's DN, `{username}` the typed username, both escaped per RFC 4515. */
  @IsString() @MaxLength(2000)
  groupFilter = '(member={dn})';

  /** Group DN → role (compared case-insensitively, spaces around `,` and `=` ignored). */
  @IsObject()
  roleMap: Record<string, string> = {};

  /** Display claim → attribute of the user entry, e.g. `{ email: mail, name: cn }`. */
  @IsObject()
  profile: Record<string, string> = {};

  /** Service and bind connections each (2 pools of this size). */
  @IsInt() @Min(1) @Max(64)
  poolSize = 4;

  @ValidateNested() @Type(() => DirectoryTimeouts)
  timeouts: DirectoryTimeouts = new DirectoryTimeouts();
}

/** Cross-field checks of `login.directory`, each naming the field to fix. */
export function directoryConfigProblems(directory: DirectoryConfig | undefined, roles: Record<string, string[]>): string[] {
  if (directory === undefined) return [];
  const at = 'login.directory';
  const problems: string[] = [];
  const url = new URL(directory.url);
  if (url.protocol === 'ldap:' && !directory.startTls && !isLoopback(url.hostname)) {
    problems.push(`${at}.url: plain ldap:// sends passwords in clear text; use ldaps:// or set startTls: true (only a loopback address may use plain ldap://)`);
  }
  if (url.protocol === 'ldaps:' && directory.startTls) problems.push(`${at}.startTls: is for ldap:// URLs; ldaps:// is TLS from the start`);
  if (directory.caFile !== undefined && !existsSync(directory.caFile)) problems.push(`${at}.caFile: cannot read ${directory.caFile}`);
  if (!directory.userFilter.includes('{username}')) problems.push(`${at}.userFilter: must contain {username}`);
  if (!balanced(directory.userFilter)) problems.push(`${at}.userFilter: is not a parenthesised LDAP filter`);
  if (directory.disabledFilter !== undefined && !balanced(directory.disabledFilter)) {
    problems.push(`${at}.disabledFilter: is not a parenthesised LDAP filter`);
  }
  if (directory.groupsFrom === 'search') {
    if (directory.groupBase === undefined) problems.push(`${at}.groupBase: set it when groupsFrom is search`);
    if (!/\{(dn|username)\}/.test(directory.groupFilter)) problems.push(`${at}.groupFilter: must contain {dn} or {username}`);
    if (!balanced(directory.groupFilter)) problems.push(`${at}.groupFilter: is not a parenthesised LDAP filter`);
  } else if (directory.groupBase !== undefined) {
    problems.push(`${at}.groupBase: only used with groupsFrom: search`);
  }
  for (const [group, role] of Object.entries(directory.roleMap)) {
    if (typeof role !== 'string') problems.push(`${at}.roleMap.${group}: must name one role`);
    else if (!Object.hasOwn(roles, role)) problems.push(`${at}.roleMap.${group}: role "${role}" is not configured under roles`);
  }
  for (const [claim, attribute] of Object.entries(directory.profile)) {
    if (typeof attribute !== 'string' || !/^[A-Za-z][A-Za-z0-9-]*$/.test(attribute)) {
      problems.push(`${at}.profile.${claim}: must name one attribute (letters, digits, -)`);
    }
  }
  return problems;
}

/** localhost, 127.0.0.0/8 and ::1: a plain connection that never leaves the machine. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return isIP(host) === 6 && host === '::1';
}

/** Starts with `(`, ends with `)`, parentheses balanced outside escapes: catches a filter written without them. */
function balanced(filter: string): boolean {
  if (!filter.startsWith('(') || !filter.endsWith(')')) return false;
  let depth = 0;
  for (const char of filter) {
    if (char === '(') depth++;
    else if (char === ')' && --depth < 0) return false;
  }
  return depth === 0;
}
