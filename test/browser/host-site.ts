/**
 * A stand-in for the website that hosts the chat widget, served on its own
 * loopback port (so its own origin, e.g. http://localhost:PORT, while
 * chatwarden listens on http://127.0.0.1:PORT). Pages:
 *  - /embed.html: loads chatwarden's embed.js, with buttons for each login
 *    mode and a mock Inbenta SDK whose addVariable calls are recorded;
 *  - /frame.html?src=URL: frames URL directly and records every message, the
 *    raw postMessage contract without embed.js.
 * Both record everything they receive in `window.messages`.
 * Also a front door (reverse proxy) for tests that need chatwarden's public
 * URL before it listens.
 */
import { createServer, request as forward, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { chromiumPath } from '../support/services.js';
import type { TestApp } from '../support/test-app.js';

export interface HostSite {
  origin: string;
  /** chatwarden's base URL, set once it listens (its config needs this site's origin first). */
  chatwarden: string;
  url(path: string): string;
  close(): Promise<void>;
}

function embedPage(chatwarden: string, bot: string, conversation?: string): string {
  const options = (mode: string) => JSON.stringify({ bot, mode, ...(conversation && { conversation }) });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host site</title></head>
<body>
<button id="popup">Log in (popup)</button>
<button id="iframe">Log in (iframe)</button>
<pre id="out"></pre>
<script src="${chatwarden}/embed.js"></script>
<script>
window.messages = [];
window.addEventListener('message', (event) => window.messages.push({ origin: event.origin, data: event.data }));
window.sdk = { calls: [], addVariable(name, value) { this.calls.push([name, value]); return Promise.resolve({ success: true }); } };
chatwarden.adapters.inbenta(window.sdk, 'user_token');
const out = document.getElementById('out');
function run(options) {
  chatwarden.login(options).then(
    (token) => { window.result = token; out.textContent = 'logged in'; },
    (error) => { window.loginError = error.code; out.textContent = 'error ' + error.code; },
  );
}
document.getElementById('popup').addEventListener('click', () => run(${options('popup')}));
document.getElementById('iframe').addEventListener('click', () => run(${options('iframe')}));
</script>
</body></html>`;
}

function framePage(src: string): string {
  const escaped = src.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Framing host</title></head>
<body>
<script>
window.messages = [];
window.addEventListener('message', (event) => window.messages.push({ origin: event.origin, data: event.data }));
</script>
<iframe id="login" src="${escaped}" title="Sign in" width="420" height="560"></iframe>
</body></html>`;
}

/**
 * Serves the host pages; `hostname` picks the origin browsers see (the server listens on 127.0.0.1).
 * `pages` adds pages of a test's own by path, rendered with chatwarden's base URL.
 */
export async function startHostSite(hostname = 'localhost', pages: Record<string, (chatwarden: string) => string> = {}): Promise<HostSite> {
  const site = { chatwarden: '' } as HostSite;
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://host');
    let html: string | undefined;
    if (url.pathname === '/embed.html') html = embedPage(site.chatwarden, url.searchParams.get('bot') ?? 'shop', url.searchParams.get('conversation') ?? undefined);
    if (url.pathname === '/frame.html') html = framePage(url.searchParams.get('src') ?? 'about:blank');
    if (Object.hasOwn(pages, url.pathname)) html = pages[url.pathname](site.chatwarden);
    if (html === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://${hostname}:${(server.address() as AddressInfo).port}`;
  return Object.assign(site, {
    origin,
    url: (path: string) => `${origin}${path}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

export interface FrontDoor {
  /** The address browsers use: chatwarden's publicUrl. */
  url: string;
  /** Where requests go (chatwarden's listening address), set once it listens. */
  target: string;
  close(): Promise<void>;
}

/**
 * A pass-through reverse proxy on a loopback port of its own, as in front of
 * a real deployment. Its address is known before chatwarden starts, so it can
 * be chatwarden's publicUrl (the SSO redirect URI is built from it, and the
 * identity provider must register that URI before chatwarden listens).
 */
export async function startFrontDoor(): Promise<FrontDoor> {
  const door = { target: '' } as FrontDoor;
  const server: Server = createServer((request, response) => {
    const upstream = forward(new URL(request.url ?? '/', door.target), { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.once('error', () => response.writeHead(502).end());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(door, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

/** Debian's Chromium, headless, with no background traffic; never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** `POST /v1/verify/token` of a test app, as a webhook handler would call it. */
export async function verifyToken(app: TestApp, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${app.url}/v1/verify/token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${app.apiKeys.verify}`, 'content-type': 'application/json' },
    body: JSON.stringify({ token, bot: 'shop' }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
