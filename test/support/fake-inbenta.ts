/**
 * A fake Inbenta API on loopback, written from the documented contract
 * (VENDORS.md "Inbenta Chat API"), for tests of the Inbenta adapter and of
 * anything that pushes tokens into a chat.
 *
 * Two servers on random ports, as in production where the auth API and each
 * instance's Chatbot API live on different hosts:
 * - auth:    POST {authUrl}/auth, POST {authUrl}/refreshToken
 * - chatbot: POST {chatbotUrl}/v1/conversation/variables, where chatbotUrl is
 *            only ever announced in the `apis.chatbot` field of /auth.
 *
 * It records every request, issues access tokens that expire after
 * `expiresIn` seconds, knows which session tokens are live, and can be
 * scripted per route (5xx, slow answers, malformed JSON, any answer).
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeInbentaRoute = 'auth' | 'refresh' | 'variables';

export interface RecordedRequest {
  readonly route: FakeInbentaRoute | 'unknown';
  readonly method: string;
  /** Path and query as received. */
  readonly path: string;
  /** Lower-case header names, as node:http gives them. */
  readonly headers: IncomingHttpHeaders;
  /** The raw body. */
  readonly body: string;
  /** The body parsed as JSON, when it is JSON. */
  readonly json?: unknown;
}

/** A one-shot behaviour for the next request on a route. */
export type ScriptedAnswer =
  /** Answer with this status and body (a string is sent as is, anything else as JSON). */
  | { readonly status: number; readonly body?: unknown; readonly delayMs?: number }
  /** Handle the request normally, but only after `delayMs`. */
  | { readonly delayMs: number };

export interface FakeInbentaOptions {
  readonly apiKey?: string;
  readonly secret?: string;
  /** Lifetime of issued access tokens in seconds (fractions allowed, for fast tests); Inbenta's is 1200. */
  readonly expiresIn?: number;
  /** Session tokens that name live conversations. */
  readonly sessions?: readonly string[];
  /** Path of the Chatbot API base on its server. */
  readonly chatbotPath?: string;
}

const MALFORMED_JSON = '{"success": tru';

export class FakeInbenta {
  readonly apiKey: string;
  readonly secret: string;
  /** The first session token the fake knows (live until expireSession). */
  readonly session: string;
  readonly requests: RecordedRequest[] = [];
  /** Every access token issued, oldest first. */
  readonly issuedTokens: string[] = [];
  /** sessionToken -> variable name -> value, as stored by /v1/conversation/variables. */
  readonly variables = new Map<string, Map<string, string>>();

  private expiresIn: number;
  private chatbotPath: string;
  private readonly sessions: Set<string>;
  private readonly accessTokens = new Map<string, number>();
  private readonly scripts: Record<FakeInbentaRoute, ScriptedAnswer[]> = { auth: [], refresh: [], variables: [] };
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly authServer: Server,
    private readonly chatbotServer: Server,
    options: FakeInbentaOptions,
  ) {
    this.apiKey = options.apiKey ?? 'fake-api-key-3f9a';
    this.secret = options.secret ?? 'fake-secret-8c1d';
    this.expiresIn = options.expiresIn ?? 1200;
    this.sessions = new Set(options.sessions ?? ['fake-session-5b0e7d']);
    this.session = [...this.sessions][0] ?? '';
    this.chatbotPath = options.chatbotPath ?? '/prod/chatbot';
  }

  static async start(options: FakeInbentaOptions = {}): Promise<FakeInbenta> {
    const authServer = createServer();
    const chatbotServer = createServer();
    const fake = new FakeInbenta(authServer, chatbotServer, options);
    authServer.on('request', (req, res) => fake.handle('auth-server', req, res));
    chatbotServer.on('request', (req, res) => fake.handle('chatbot-server', req, res));
    await Promise.all([listen(authServer), listen(chatbotServer)]);
    return fake;
  }

  /** What `bots.*.chat.authUrl` points at. */
  get authUrl(): string {
    return `http://127.0.0.1:${port(this.authServer)}/v1`;
  }

  /** The Chatbot API base announced in `apis.chatbot`. */
  get chatbotUrl(): string {
    return `http://127.0.0.1:${port(this.chatbotServer)}${this.chatbotPath}`;
  }

  /** The received requests on `route`. */
  requestsTo(route: FakeInbentaRoute): RecordedRequest[] {
    return this.requests.filter((request) => request.route === route);
  }

  /** Queues one-shot answers for the next requests on `route`, in order. */
  script(route: FakeInbentaRoute, ...answers: ScriptedAnswer[]): void {
    this.scripts[route].push(...answers);
  }

  /** The next `times` requests on `route` get `status` with an Inbenta error body. */
  failNext(route: FakeInbentaRoute, times: number, status = 503): void {
    for (let i = 0; i < times; i++) this.script(route, { status, body: errorBody('Service unavailable', status) });
  }

  /** The next `times` requests on `route` are answered after `delayMs`. */
  delayNext(route: FakeInbentaRoute, times: number, delayMs: number): void {
    for (let i = 0; i < times; i++) this.script(route, { delayMs });
  }

  /** The next `times` requests on `route` get 200 with a body that is not JSON. */
  malformedNext(route: FakeInbentaRoute, times: number): void {
    for (let i = 0; i < times; i++) this.script(route, { status: 200, body: MALFORMED_JSON });
  }

  addSession(sessionToken: string): void {
    this.sessions.add(sessionToken);
  }

  /** The conversation ends: variables calls for it get 400 "Session expired". */
  expireSession(sessionToken: string): void {
    this.sessions.delete(sessionToken);
  }

  /** Every access token issued so far is rejected from now on (401), as after expiry. */
  revokeAccessTokens(): void {
    this.accessTokens.clear();
  }

  /** Lifetime, in seconds (fractions allowed), of tokens issued from now on; expired ones get 401. */
  setExpiresIn(seconds: number): void {
    this.expiresIn = seconds;
  }

  /** Moves the Chatbot API: later /auth answers announce the new base; the old one answers 404. */
  moveChatbot(path: string): void {
    this.chatbotPath = path;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([stop(this.authServer), stop(this.chatbotServer)]);
  }

  private handle(server: 'auth-server' | 'chatbot-server', req: IncomingMessage, res: ServerResponse): void {
    // A client that gave up (timeout) closes the socket; writing then must not crash the fake.
    res.on('error', () => undefined);
    this.receive(server, req, res).catch(() => res.destroy());
  }

  private async receive(
    server: 'auth-server' | 'chatbot-server',
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const body = await readBody(req);
    const path = req.url ?? '/';
    const route = routeOf(server, req.method ?? '', path, this.chatbotPath);
    this.requests.push({ route, method: req.method ?? '', path, headers: req.headers, body, json: parseJson(body) });
    if (route === 'unknown') {
      // The chatbot API checks the access token before it looks at the path.
      if (server === 'chatbot-server' && !this.liveAccessToken(req.headers))
        return send(res, 401, errorBody('Unauthorized', 401));
      return send(res, 404, errorBody('Not found', 404));
    }

    const scripted = this.scripts[route].shift();
    if (scripted?.delayMs) await this.wait(scripted.delayMs);
    if (scripted && 'status' in scripted) return send(res, scripted.status, scripted.body);

    if (route === 'auth') return this.auth(req, body, res);
    if (route === 'refresh') return this.refresh(req, res);
    return this.setVariable(req, body, res);
  }

  private auth(req: IncomingMessage, body: string, res: ServerResponse): void {
    const form = new URLSearchParams(body);
    const formEncoded = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    if (req.headers['x-inbenta-key'] !== this.apiKey || !formEncoded || form.get('secret') !== this.secret) {
      return send(res, 401, errorBody('Invalid API key or secret', 401));
    }
    send(res, 200, { ...this.issue(), apis: { chatbot: this.chatbotUrl } });
  }

  private refresh(req: IncomingMessage, res: ServerResponse): void {
    if (req.headers['x-inbenta-key'] !== this.apiKey || !this.liveAccessToken(req.headers)) {
      return send(res, 401, errorBody('Invalid or expired access token', 401));
    }
    send(res, 200, this.issue());
  }

  private setVariable(req: IncomingMessage, body: string, res: ServerResponse): void {
    if (req.headers['x-inbenta-key'] !== this.apiKey || !this.liveAccessToken(req.headers)) {
      return send(res, 401, errorBody('Invalid or expired access token', 401));
    }
    const session = bearer(req.headers['x-inbenta-session']);
    if (session === undefined || !this.sessions.has(session)) return send(res, 400, errorBody('Session expired', 400));
    const json = parseJson(body);
    const isJson = (req.headers['content-type'] ?? '').startsWith('application/json');
    if (!isJson || !isRecord(json) || typeof json.name !== 'string' || typeof json.value !== 'string') {
      return send(res, 400, errorBody('Body must be {"name": string, "value": string}', 400));
    }
    let stored = this.variables.get(session);
    if (!stored) this.variables.set(session, (stored = new Map()));
    stored.set(json.name, json.value);
    send(res, 200, { success: true });
  }

  private issue(): { accessToken: string; expiration: number; expires_in: number } {
    const accessToken = `fake-access-${this.issuedTokens.length + 1}-${Math.random().toString(36).slice(2, 10)}`;
    this.issuedTokens.push(accessToken);
    const expiresAt = Date.now() + this.expiresIn * 1000;
    this.accessTokens.set(accessToken, expiresAt);
    return { accessToken, expiration: Math.floor(expiresAt / 1000), expires_in: this.expiresIn };
  }

  private liveAccessToken(headers: IncomingHttpHeaders): boolean {
    const token = bearer(headers.authorization);
    const expiresAt = token === undefined ? undefined : this.accessTokens.get(token);
    return expiresAt !== undefined && Date.now() < expiresAt;
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

function routeOf(
  server: 'auth-server' | 'chatbot-server',
  method: string,
  path: string,
  chatbotPath: string,
): FakeInbentaRoute | 'unknown' {
  if (method !== 'POST') return 'unknown';
  if (server === 'auth-server' && path === '/v1/auth') return 'auth';
  if (server === 'auth-server' && path === '/v1/refreshToken') return 'refresh';
  if (server === 'chatbot-server' && path === `${chatbotPath}/v1/conversation/variables`) return 'variables';
  return 'unknown';
}

/** Inbenta's error shape: `{ errors: [{ message, code }] }`. */
export function errorBody(
  message: string,
  code: number | string,
): { errors: { message: string; code: number | string }[] } {
  return { errors: [{ message, code }] };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || !res.socket || res.socket.destroyed) return;
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
}

function bearer(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
}

function port(server: Server): number {
  return (server.address() as AddressInfo).port;
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive sockets from fetch would hold close() open.
    server.closeAllConnections();
  });
}
