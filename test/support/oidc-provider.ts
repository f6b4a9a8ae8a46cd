/**
 * A real OpenID provider (panva's oidc-provider) on a loopback port for the
 * SSO tests: one confidential client registered with chatwarden's redirect
 * URI, test users with a `groups` claim, and the provider's own development
 * login and consent pages, driven over HTTP by `signIn` with a cookie jar —
 * the same requests a browser would send.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestUser {
  sub: string;
  email: string;
  groups: string[];
}

export const TEST_USERS: Record<string, TestUser> = {
  alice: { sub: 'alice', email: 'alice@corp.example', groups: ['support-team', 'unmapped-group'] },
  bob: { sub: 'bob', email: 'bob@corp.example', groups: ['everyone'] },
};

export interface OidcProviderOptions {
  redirectUris: string[];
  clientId?: string;
  clientSecret?: string;
  /**
   * Put scope claims (groups) in the ID token. By default oidc-provider keeps
   * them for userinfo when an access token is issued (OIDC Core §5.4), which
   * exercises chatwarden's userinfo fallback.
   */
  claimsInIdToken?: boolean;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Stops listening (connections closed): the provider is "down". */
  stop(): Promise<void>;
  /** Listens again on the same port with the same keys and state. */
  start(): Promise<void>;
}

/** Minimal view of the oidc-provider API used here. */
interface ProviderInstance {
  callback(): (request: IncomingMessage, response: ServerResponse) => void;
  on(event: string, listener: (...args: unknown[]) => void): void;
}
type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;

export async function startOidcProvider(options: OidcProviderOptions): Promise<TestOidcProvider> {
  const clientId = options.clientId ?? 'chatwarden';
  const clientSecret = options.clientSecret ?? 'test-client-secret-for-the-loopback-provider';
  let handler: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  let server: Server = createServer((request, response) => handler?.(request, response));
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;

  const Provider = await withoutDevWarnings(async () => {
    // @ts-expect-error oidc-provider ships no type declarations
    const module = (await import('oidc-provider')) as { default: ProviderConstructor };
    return module.default;
  });
  const provider = await withoutDevWarnings(() => new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
    conformIdTokenClaims: options.claimsInIdToken !== true,
    async findAccount(_context: unknown, sub: string) {
      const user = TEST_USERS[sub];
      if (!user) return undefined;
      return { accountId: sub, claims: async () => ({ sub, email: user.email, email_verified: true, groups: user.groups }) };
    },
    cookies: { keys: ['oidc-provider-test-cookie-key'] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    ttl: { AuthorizationCode: 60, AccessToken: 600, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
  }));
  // Errors the provider renders are part of the tests; keep them out of the test output.
  provider.on('server_error', () => undefined);
  handler = provider.callback();

  return {
    issuer,
    clientId,
    clientSecret,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    start: async () => {
      server = createServer((request, response) => handler?.(request, response));
      await listen(server, port);
    },
  };
}

/** oidc-provider warns loudly about its development defaults (memory adapter, dev keys, dev pages): intended here. */
async function withoutDevWarnings<T>(create: () => T | Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).startsWith('oidc-provider WARNING')) warn(...args);
  };
  try {
    return await create();
  } finally {
    console.warn = warn;
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

/** A fetch that keeps cookies per host, as a browser does, and never follows redirects by itself. */
export class CookieBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  async request(url: string | URL, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url);
    const headers: Record<string, string> = { ...init.headers };
    const cookies = this.jar.get(target.host);
    if (cookies && cookies.size > 0) headers.cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(target, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) this.store(target.host, line);
    return response;
  }

  /** Cookies currently held for `host` (name → value). */
  cookies(host: string): Map<string, string> {
    return this.jar.get(host) ?? new Map();
  }

  /** Makes this browser send `cookies` to `host`, as if a server had set them. */
  setCookie(host: string, name: string, value: string): void {
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    cookies.set(name, value);
    this.jar.set(host, cookies);
  }

  private store(host: string, line: string): void {
    const [pair, ...attributes] = line.split(';');
    const index = pair.indexOf('=');
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
    if (expired || value === '') cookies.delete(name);
    else cookies.set(name, value);
    this.jar.set(host, cookies);
  }
}

export interface SignInOptions {
  /** Account to sign in as (the dev login accepts any password). */
  login: string;
  /** Stop at this step with the provider's "Cancel" (abort) link: access_denied. */
  abortAt?: 'login' | 'consent';
}

/**
 * Walks the provider's pages from the authorization URL until the provider
 * redirects to `redirectPrefix` (chatwarden's callback); returns that URL.
 * Follows redirects, fills the login form, accepts the consent form.
 */
export async function signIn(browser: CookieBrowser, authorizationUrl: string, redirectPrefix: string, options: SignInOptions): Promise<URL> {
  let next = new URL(authorizationUrl);
  let form: Record<string, string> | undefined;
  for (let step = 0; step < 20; step++) {
    const response = await browser.request(next, form ? { form } : {});
    form = undefined;
    const location = response.headers.get('location');
    if (location) {
      const target = new URL(location, next);
      if (target.href.startsWith(redirectPrefix)) return target;
      next = target;
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) throw new Error(`the provider answered ${response.status}: ${html.slice(0, 500)}`);
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!prompt || !action) throw new Error(`unexpected provider page: ${html.slice(0, 500)}`);
    if (options.abortAt === prompt) {
      const abort = /href="([^"]*\/abort)"/.exec(html)?.[1];
      if (!abort) throw new Error('no abort link on the provider page');
      next = new URL(decodeEntities(abort), next);
      continue;
    }
    next = new URL(decodeEntities(action), next);
    form = prompt === 'login' ? { prompt, login: options.login, password: 'any' } : { prompt };
  }
  throw new Error('the provider did not redirect back to chatwarden');
}

function decodeEntities(value: string): string {
  return value.replace(/&amp;/g, '&').replace(/&#x2F;/gi, '/').replace(/&#47;/g, '/');
}
