/**
 * API clients for webhook handlers and sites with their own login. The key is
 * shown once when created; clients.json keeps only its SHA-256 (keys are 256
 * random bits, so a fast hash is enough and lookups stay cheap). A key reads
 * `cwk_<id>_<secret>`: the id finds the record, the hash is compared in
 * constant time.
 */
import { timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { appError } from '../common/error-catalog.js';
import { AppConfig } from '../config/app-config.js';
import { sha256Hex } from '../crypto/hash.js';
import { randomId, randomToken } from '../crypto/random.js';
import { KeysDir } from '../keys/keys-dir.js';
import { BotAccess } from './bot-access.js';

export const SCOPES = ['verify', 'issue', 'revoke'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiClientRecord {
  id: string;
  name: string;
  scopes: Scope[];
  /** The bots this key may act for (`clients add --bots`); absent: every configured bot. */
  bots?: string[];
  keyHash: string;
  createdAt: string;
  revokedAt?: string;
}

export type ApiClientInfo = Omit<ApiClientRecord, 'keyHash'>;

/** The client behind an authorized request, with its bot binding ready for the route's checks. */
export interface AuthorizedClient extends ApiClientInfo {
  readonly access: BotAccess;
}

interface ClientsFile {
  clients: ApiClientRecord[];
}

export const CLIENTS_FILE = 'clients.json';
const KEY_FORMAT = /^cwk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
const BEARER = /^Bearer\s+(\S+)$/i;

/** A clients.json record as the verify path uses it: the hash as bytes and the answer prebuilt. */
interface LoadedClient {
  info: AuthorizedClient;
  keyHash: Buffer;
  revoked: boolean;
}

@Injectable()
export class ApiClientService {
  private byId = new Map<string, LoadedClient>();
  private stamp = '';
  private checkedAt = 0;

  constructor(
    private readonly keysDir: KeysDir,
    private readonly config: AppConfig,
  ) {}

  /**
   * The client behind an `Authorization` header value, if it holds `scope`.
   * Throws `api_key_missing` / `api_key_invalid` (401) or `scope_missing` (403).
   */
  authorize(authorizationHeader: string | string[] | undefined, scope: Scope): AuthorizedClient {
    const match = typeof authorizationHeader === 'string' ? BEARER.exec(authorizationHeader) : null;
    if (!match) throw appError('api_key_missing', { detail: 'send Authorization: Bearer <API key> (make one with: chatwarden clients add NAME --scopes verify)' });
    const client = this.authenticate(match[1]);
    if (!client) throw appError('api_key_invalid', { detail: 'the key matches no live API client: revoked, mistyped, or made for another keys dir' });
    if (!client.scopes.includes(scope)) throw appError('scope_missing', { detail: `this API key lacks the "${scope}" scope` });
    return client;
  }

  /** The client a presented key belongs to, or null. Never says which part was wrong. */
  authenticate(presented: string): AuthorizedClient | null {
    const match = KEY_FORMAT.exec(presented);
    if (!match) return null;
    const client = this.lookup(match[1]);
    if (!client || client.revoked) return null;
    // Both sides are SHA-256 digests: same public length, compared as bytes.
    const presentedHash = Buffer.from(sha256Hex(presented), 'hex');
    return client.keyHash.length === presentedHash.length && timingSafeEqual(presentedHash, client.keyHash) ? client.info : null;
  }

  /** `bots`: limit the key to these configured bots (SPEC.md "API clients bound to bots"); omitted: every bot. */
  async add(name: string, scopes: string[], bots?: string[]): Promise<{ client: ApiClientInfo; key: string }> {
    const trimmed = name.trim();
    if (!/^[\w .@-]{1,64}$/.test(trimmed)) throw appError('invalid_name', { detail: 'a client name is 1-64 letters, digits, spaces or . @ - _' });
    const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (scopes.length === 0 || unknown.length > 0) {
      throw appError('invalid_scopes', { detail: `scopes are a comma-separated list of ${SCOPES.join(', ')}` });
    }
    const boundTo = bots === undefined ? undefined : this.checkBots(bots);
    const id = randomId(6);
    const key = `cwk_${id}_${randomToken(32)}`;
    const record: ApiClientRecord = {
      id,
      name: trimmed,
      scopes: [...new Set(scopes)] as Scope[],
      ...(boundTo !== undefined && { bots: boundTo }),
      keyHash: sha256Hex(key),
      createdAt: new Date().toISOString(),
    };
    await this.keysDir.update<ClientsFile>(CLIENTS_FILE, { clients: [] }, (file) => ({ clients: [...file.clients, record] }));
    return { client: withoutHash(record), key };
  }

  /** Replaces the key of the client named `name` (dev mode prints a fresh key at every start). */
  async resetKey(name: string, scopes: Scope[], bots?: string[]): Promise<{ client: ApiClientInfo; key: string }> {
    const existing = this.list().find((c) => c.name === name && !c.revokedAt);
    if (!existing) return this.add(name, scopes, bots);
    const key = `cwk_${existing.id}_${randomToken(32)}`;
    const boundTo = bots === undefined ? undefined : this.checkBots(bots);
    const { bots: _previous, ...rest } = existing;
    const client: ApiClientInfo = { ...rest, scopes, ...(boundTo !== undefined && { bots: boundTo }) };
    await this.keysDir.update<ClientsFile>(CLIENTS_FILE, { clients: [] }, (file) => ({
      clients: file.clients.map((c) => (c.id === existing.id ? { ...client, keyHash: sha256Hex(key) } : c)),
    }));
    return { client, key };
  }

  /** `--bots` must name configured bots (own keys of `bots:`), at least one: a typo would make a key that never works. */
  private checkBots(bots: string[]): string[] {
    const unique = [...new Set(bots)];
    const unknown = unique.filter((bot) => !Object.hasOwn(this.config.bots, bot));
    if (unique.length === 0) throw appError('invalid_request', { detail: '--bots is a comma-separated list of bots from the config' });
    if (unknown.length > 0) {
      const known = Object.keys(this.config.bots);
      throw appError('unknown_bot', { detail: `unknown bot(s): ${unknown.join(', ')}; the config has: ${known.length > 0 ? known.join(', ') : '(no bots)'}` });
    }
    return unique;
  }

  list(): ApiClientInfo[] {
    return this.read().clients.map(withoutHash);
  }

  async revoke(id: string): Promise<ApiClientInfo> {
    let found: ApiClientRecord | undefined;
    await this.keysDir.update<ClientsFile>(CLIENTS_FILE, { clients: [] }, (file) => ({
      clients: file.clients.map((c) => {
        if (c.id !== id) return c;
        found = c.revokedAt ? c : { ...c, revokedAt: new Date().toISOString() };
        return found;
      }),
    }));
    if (!found) throw appError('client_not_found', { detail: `no API client with id ${id}` });
    return withoutHash(found);
  }

  /**
   * Cached view of clients.json. The file's stamp is checked at most once a
   * second (this sits on the verify hot path), so a new or revoked client
   * takes effect on every instance within a second.
   */
  private lookup(id: string, now = Date.now()): LoadedClient | undefined {
    if (now - this.checkedAt >= 1000 || !this.byId.has(id)) {
      this.checkedAt = now;
      const stamp = this.keysDir.stamp(CLIENTS_FILE);
      if (stamp !== this.stamp) {
        this.byId = new Map(
          this.read().clients.map((c) => [c.id, { info: authorizedInfo(c), keyHash: Buffer.from(c.keyHash, 'hex'), revoked: c.revokedAt !== undefined }]),
        );
        this.stamp = stamp;
      }
    }
    return this.byId.get(id);
  }

  private read(): ClientsFile {
    return this.keysDir.read<ClientsFile>(CLIENTS_FILE, { clients: [] });
  }
}

function withoutHash({ keyHash: _hash, ...info }: ApiClientRecord): ApiClientInfo {
  return info;
}

/** Shared by every request of the client, so nobody may change it; the bot binding is built here, once per load. */
function authorizedInfo(record: ApiClientRecord): AuthorizedClient {
  const info = withoutHash(record);
  Object.freeze(info.scopes);
  if (info.bots) Object.freeze(info.bots);
  // A hand-edited `bots` that is not a list of names binds the key to nothing: fail closed.
  const access =
    info.bots === undefined ? BotAccess.ALL : new BotAccess(Array.isArray(info.bots) && info.bots.every((b) => typeof b === 'string') ? info.bots : []);
  // Not enumerable: the info is logged and listed as the clients.json record shows it.
  return Object.freeze(Object.defineProperty(info, 'access', { value: access, enumerable: false }) as AuthorizedClient);
}
