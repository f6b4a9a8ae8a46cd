/**
 * Store URLs: parsing the Redis forms, and a log-safe rendering of any URL.
 * The accepted forms are listed in redis.store.ts and store.factory.ts.
 *
 * Errors thrown here never quote the URL: it may carry a password, and the
 * WHATWG `URL` error would copy it into an `input` property that a structured
 * logger happily serialises.
 */

export interface RedisNodeAddress {
  host: string;
  port: number;
}

interface Credentials {
  username?: string;
  password?: string;
}

export type RedisTarget =
  | ({ kind: 'standalone'; tls: boolean; node: RedisNodeAddress; database: number } & Credentials)
  | ({ kind: 'sentinel'; tls: boolean; sentinels: RedisNodeAddress[]; masterName: string } & Credentials)
  | ({ kind: 'cluster'; tls: boolean; seeds: RedisNodeAddress[] } & Credentials);

const DEFAULT_PORT = { standalone: 6379, sentinel: 26379, cluster: 6379 } as const;

// scheme://[userinfo@]hosts[/path]; no query or fragment is accepted.
const URL_SHAPE = /^(rediss?)(?:\+(sentinel|cluster))?:\/\/(?:([^@/?#]*)@)?([^@/?#]+)(\/[^?#]*)?$/;
const HOST_PORT = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/;

/** Replaces the password in `url` with `***`, for logs and error messages. Never throws. */
export function describeStoreUrl(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  // Something that is not even scheme://… may be a secret pasted in the wrong place.
  if (!scheme) return '<not a URL>';
  const rest = url.slice(scheme[0].length);
  // The last @ ends the user info, so an unencoded @ inside a password is still masked.
  const at = rest.lastIndexOf('@');
  if (at === -1) return url;
  const userInfo = rest.slice(0, at);
  const colon = userInfo.indexOf(':');
  if (colon === -1) return url;
  return `${scheme[0]}${userInfo.slice(0, colon)}:***${rest.slice(at)}`;
}

/** Parses the Redis URL forms; throws an Error naming what is wrong (without echoing the URL). */
export function parseRedisUrl(url: string): RedisTarget {
  const match = URL_SHAPE.exec(url);
  if (!match) throw new Error('not a recognised redis URL (query strings are not supported)');
  const [, scheme, variant, userInfo, hosts, path = ''] = match;
  const kind = (variant ?? 'standalone') as RedisTarget['kind'];
  const tls = scheme === 'rediss';
  const credentials = parseUserInfo(userInfo);
  const nodes = hosts.split(',').map((host) => parseHost(host, DEFAULT_PORT[kind]));

  switch (kind) {
    case 'standalone': {
      if (nodes.length !== 1) throw new Error('a redis:// URL names exactly one host; use redis+sentinel:// or redis+cluster:// for several');
      if (!/^(\/\d*)?$/.test(path)) throw new Error('the path of a redis:// URL can only be a database number');
      const database = path.length > 1 ? Number(path.slice(1)) : 0;
      return { kind, tls, node: nodes[0], database, ...credentials };
    }
    case 'sentinel': {
      const masterName = decode(path.slice(1), 'master name');
      if (!masterName || masterName.includes('/')) throw new Error('a redis+sentinel:// URL must name the master in its path: redis+sentinel://host:26379/mymaster');
      return { kind, tls, sentinels: nodes, masterName, ...credentials };
    }
    case 'cluster': {
      if (path !== '' && path !== '/') throw new Error('a redis+cluster:// URL takes no path (Cluster has no databases)');
      return { kind, tls, seeds: nodes, ...credentials };
    }
  }
}

function parseUserInfo(userInfo: string | undefined): Credentials {
  if (!userInfo) return {};
  const colon = userInfo.indexOf(':');
  const username = decode(colon === -1 ? userInfo : userInfo.slice(0, colon), 'user name');
  const password = colon === -1 ? '' : decode(userInfo.slice(colon + 1), 'password');
  return { ...(username && { username }), ...(password && { password }) };
}

function parseHost(text: string, defaultPort: number): RedisNodeAddress {
  const match = HOST_PORT.exec(text);
  const port = match?.[3] === undefined ? defaultPort : Number(match[3]);
  if (!match || port < 1 || port > 65535) throw new Error('each host must be host, host:port or [ipv6]:port');
  return { host: match[1] ?? match[2], port };
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new Error(`the ${what} is not valid percent-encoding`);
  }
}
