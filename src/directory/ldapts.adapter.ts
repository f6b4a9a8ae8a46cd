/**
 * The Directory port over `ldapts` (the only file importing it).
 *
 * Two bounded pools: service connections stay bound as the service account
 * and only search; bind connections only ever check a user's password, so a
 * search never runs with a user's identity and a user bind never changes the
 * identity of a service connection. A login costs one search and one bind
 * (plus a group search with groupsFrom: search).
 *
 * ldapts reconnects a dropped connection by itself on the next operation —
 * without StartTLS and without the service bind. Every client here is made
 * with a connect function that works once, so a dropped connection fails
 * its operation instead and the pool makes a new, fully set-up one.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { Client, Filter, InappropriateAuthError, InvalidCredentialsError, ResultCodeError, type Entry } from 'ldapts';
import type { DirectoryConfig } from './directory-config.js';
import { ConnectionPool } from './connection-pool.js';
import { Directory, DirectoryUnavailableError, isBlankPassword, type DirectoryAnswer, type DirectoryUser } from './directory.js';

/** "Who am I?" (RFC 4532): the cheapest request that opens a connection without binding. */
const WHO_AM_I = '1.3.6.1.4.1.4203.1.11.3';

export type DirectoryLog = (message: string, fields: Record<string, unknown>) => void;

export class LdaptsDirectory extends Directory {
  readonly enabled = true;
  private readonly service: ConnectionPool<Client>;
  private readonly binds: ConnectionPool<Client>;
  private readonly tlsOptions: tls.ConnectionOptions;
  private readonly url: URL;

  constructor(
    private readonly config: DirectoryConfig,
    private readonly warn: DirectoryLog = () => undefined,
    backoff: { minMs?: number; maxMs?: number } = {},
  ) {
    super();
    this.url = new URL(config.url);
    const host = this.url.hostname.replace(/^\[|\]$/g, '');
    this.tlsOptions = {
      host,
      // SNI carries names only (RFC 6066 §3); an IP address is still checked against the certificate's IP SANs.
      ...(net.isIP(host) === 0 && { servername: host }),
      minVersion: 'TLSv1.2',
      ...(config.caFile !== undefined && { ca: readFileSync(config.caFile) }),
    };
    const common = {
      size: config.poolSize,
      destroy: (client: Client) => void client.unbind().catch(() => undefined),
      alive: (client: Client) => client.isConnected,
      acquireTimeoutMs: config.timeouts.operationMs,
      backoffMinMs: backoff.minMs,
      backoffMaxMs: backoff.maxMs,
    };
    this.service = new ConnectionPool({ ...common, create: () => this.open(true), alive: (client) => client.isBound });
    this.binds = new ConnectionPool({ ...common, create: () => this.open(false) });
  }

  async authenticate(username: string, password: string): Promise<DirectoryAnswer> {
    // Before anything reaches the server: a simple bind with an empty password is an anonymous bind (RFC 4513 §5.1.2).
    if (isBlankPassword(password)) return { ok: false, reason: 'empty_password' };
    const entries = await this.serviceCall('user search', (client) =>
      client.search(this.config.userBase, {
        scope: 'sub',
        filter: fillFilter(this.config.userFilter, { username }),
        // Two are enough to know the name is ambiguous.
        sizeLimit: 2,
        timeLimit: this.timeLimitSeconds,
        attributes: this.userAttributes(),
      }),
    );
    if (entries.searchEntries.length === 0) {
      // The same round trips as a wrong password, so the answer time does not tell which names exist.
      await this.checkPassword(`cn=chatwarden-no-such-user,${this.config.userBase}`, password).catch(() => false);
      return { ok: false, reason: 'unknown_user' };
    }
    if (entries.searchEntries.length > 1) return { ok: false, reason: 'ambiguous' };
    const entry = entries.searchEntries[0];
    if (this.config.disabledFilter !== undefined && (await this.entryMatches(entry.dn, this.config.disabledFilter))) {
      return { ok: false, reason: 'disabled' };
    }
    if (!(await this.checkPassword(entry.dn, password))) return { ok: false, reason: 'wrong_password' };
    return { ok: true, user: await this.describe(entry, username) };
  }

  async ping(): Promise<void> {
    await this.serviceCall('ping', (client) =>
      client.search(this.config.userBase, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'], sizeLimit: 1, timeLimit: this.timeLimitSeconds }),
    );
  }

  async close(): Promise<void> {
    this.service.close();
    this.binds.close();
  }

  /** The password check: a simple bind as `dn` on a bind connection; false when the server says the credentials are wrong. */
  private async checkPassword(dn: string, password: string): Promise<boolean> {
    try {
      await this.binds.use((client) => client.bind(dn, password), serverAnswered);
      return true;
    } catch (error) {
      if (error instanceof InvalidCredentialsError || error instanceof InappropriateAuthError) return false;
      throw this.unavailable('user bind', error);
    }
  }

  private async entryMatches(dn: string, filter: string): Promise<boolean> {
    const result = await this.serviceCall('disabled check', (client) =>
      client.search(dn, { scope: 'base', filter, attributes: ['1.1'], sizeLimit: 1, timeLimit: this.timeLimitSeconds }),
    );
    return result.searchEntries.length > 0;
  }

  private async describe(entry: Entry, username: string): Promise<DirectoryUser> {
    const profile: Record<string, string> = {};
    for (const [claim, attribute] of Object.entries(this.config.profile)) {
      const value = attributeValues(entry, attribute)[0];
      if (value !== undefined) profile[claim] = value;
    }
    return { dn: entry.dn, groups: await this.groupsOf(entry, username), profile };
  }

  private async groupsOf(entry: Entry, username: string): Promise<string[]> {
    if (this.config.groupsFrom === 'memberOf') return attributeValues(entry, this.config.memberOfAttribute);
    const result = await this.serviceCall('group search', (client) =>
      client.search(this.config.groupBase as string, {
        scope: 'sub',
        filter: fillFilter(this.config.groupFilter, { dn: entry.dn, username }),
        attributes: ['1.1'],
        sizeLimit: 1000,
        timeLimit: this.timeLimitSeconds,
      }),
    );
    return result.searchEntries.map((group) => group.dn);
  }

  private userAttributes(): string[] {
    const attributes = [...Object.values(this.config.profile)];
    if (this.config.groupsFrom === 'memberOf') attributes.push(this.config.memberOfAttribute);
    // "1.1": no attributes at all (RFC 4511 §4.5.1.8).
    return attributes.length > 0 ? attributes : ['1.1'];
  }

  /** A search on a service connection; any failure means the directory cannot answer now. */
  private async serviceCall<T>(what: string, work: (client: Client) => Promise<T>): Promise<T> {
    try {
      return await this.service.use(work, serverAnswered);
    } catch (error) {
      throw this.unavailable(what, error);
    }
  }

  private unavailable(what: string, error: unknown): DirectoryUnavailableError {
    const reason = describeError(error);
    this.warn('directory unavailable', { operation: what, reason, url: this.url.origin });
    return new DirectoryUnavailableError(`${what}: ${reason}`, { cause: error });
  }

  /** The server's own search time limit, a little under ours so it answers rather than we give up. */
  private get timeLimitSeconds(): number {
    return Math.max(1, Math.floor(this.config.timeouts.operationMs / 1000));
  }

  /** A new connection: TLS as configured, then the service bind (service pool) or a who-am-I to open it (bind pool). */
  private async open(asService: boolean): Promise<Client> {
    const { connectMs, operationMs } = this.config.timeouts;
    const client = new Client({
      url: `${this.url.protocol}//${this.url.host}`,
      timeout: operationMs,
      connectTimeout: connectMs,
      ...(this.url.protocol === 'ldaps:' && { tlsOptions: this.tlsOptions }),
      createConnection: once(net.connect),
      createSecureConnection: once(tls.connect),
    });
    const setUp = async () => {
      if (this.config.startTls) await client.startTLS({ ...this.tlsOptions });
      if (asService) {
        await client.bind(this.config.bindDn, this.config.bindPassword).catch((error: unknown) => {
          throw error instanceof InvalidCredentialsError ? new Error('the service account (bindDn/bindPassword) was refused') : error;
        });
      } else if (!this.config.startTls) {
        await client.exop(WHO_AM_I).catch((error: unknown) => {
          if (!(error instanceof ResultCodeError)) throw error;
        });
      }
    };
    try {
      await withDeadline(setUp(), connectMs + operationMs, 'connection set-up timed out');
      return client;
    } catch (error) {
      void client.unbind().catch(() => undefined);
      this.warn('directory connection failed', { reason: describeError(error), url: this.url.origin });
      throw error;
    }
  }
}

/**
 * Fills `{username}` / `{dn}` in a filter template with the values escaped
 * per RFC 4515 §3 (`*`, `(`, `)`, `\` and NUL as `\XX`), in one pass so a
 * value containing `{dn}` is never substituted again.
 */
export function fillFilter(template: string, values: { username: string; dn?: string }): string {
  return template.replace(/\{(username|dn)\}/g, (_, name: 'username' | 'dn') => Filter.escape(values[name] ?? ''));
}

/** Values of an attribute, its name matched case-insensitively (servers answer `memberof` or `memberOf`). */
function attributeValues(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((name) => name.toLowerCase() === attribute.toLowerCase() && name !== 'dn');
  if (key === undefined) return [];
  const value = entry[key];
  const values = Array.isArray(value) ? value : [value];
  return values.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
}

/** The server answered with a result code: the connection itself is fine and goes back to the pool. */
function serverAnswered(error: unknown): boolean {
  return error instanceof ResultCodeError;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    // ldapts puts the whole message type and a stack into socket errors; the first line says it.
    return `${error.message}${cause}`.split('\n')[0];
  }
  return String(error);
}

/** A connect function that works once: ldapts's silent reconnects would skip StartTLS and the service bind. */
function once<F extends (...args: never[]) => unknown>(connect: F): F {
  let used = false;
  return ((...args: Parameters<F>) => {
    if (used) throw new Error('connection lost (a new one is made by the pool)');
    used = true;
    return connect(...args);
  }) as F;
}

function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
