/**
 * The server-rendered pages of the browser flow: the login form, the success
 * page that hands the token to the host site, and friendly error pages.
 * Pure functions from data to BrowserPage; every interpolated value goes
 * through escapeHtml (or jsonForHtml inside the JSON data block). Behaviour
 * lives in the external scripts served by AssetsController.
 */
import type { LoginBot } from './bot-origin.service.js';
import { escapeHtml, jsonForHtml, pageHeaders, type BrowserPage } from './browser-page.js';

export type { BrowserPage } from './browser-page.js';

export type LoginMode = 'popup' | 'iframe';

/** A bot as far as a page needs it: branding and who may frame it. */
export type PageBot = Pick<LoginBot, 'id' | 'config' | 'origins'>;

export interface ErrorPageInput {
  status: number;
  title: string;
  message: string;
  /** Brands the page and lets the bot's origins frame it; without it nobody may frame it. */
  bot?: PageBot;
  /** A "Start again" link (a same-origin path, e.g. the login page). */
  retryUrl?: string;
}

export interface SsoButton {
  provider: string;
  label: string;
  href: string;
}

export interface LoginPageInput {
  status?: number;
  bot: LoginBot;
  mode: LoginMode;
  conversation?: string;
  /** Null when local login is off: the page then only shows SSO buttons. */
  formToken: string | null;
  sso: SsoButton[];
  username?: string;
  error?: string;
}

export interface SuccessPageInput {
  bot: LoginBot;
  mode: LoginMode;
  subject: string;
  token: string;
  expiresAt: string;
  /** Outcome of the server-side push into the chat variable, when the bot has one. */
  chatVariable?: 'set' | 'failed';
  /** Vendor identity proofs, when the bot configures any. */
  identity?: Record<string, unknown>;
}

/** Data read by /assets/complete.js; the one place a token appears, never in a URL. */
export interface CompletionData {
  type: 'chatwarden:token';
  token: string;
  expiresAt: string;
  origin: string;
  mode: LoginMode;
  chatVariable?: 'set' | 'failed';
  identity?: Record<string, unknown>;
}

export function renderLoginPage(input: LoginPageInput): BrowserPage {
  const { bot, mode } = input;
  const title = botTitle(bot);
  const hidden = (name: string, value: string | undefined) =>
    value === undefined ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const error = input.error
    ? `<p class="error" id="login-error" role="alert">${escapeHtml(input.error)}</p>`
    : '<p class="error" id="login-error" role="alert" hidden></p>';
  const form =
    input.formToken === null
      ? ''
      : `<form method="post" action="/login" class="login-form" novalidate${input.error ? ' aria-describedby="login-error"' : ''}>
${hidden('formToken', input.formToken)}${hidden('bot', bot.id)}${hidden('origin', bot.origin)}${hidden('mode', mode)}${hidden('conversation', input.conversation)}
<div class="field"><label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="${USERNAME_MAX}" value="${escapeHtml(input.username ?? '')}"${input.username ? '' : ' autofocus'}></div>
<div class="field"><label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="${PASSWORD_MAX}"${input.username ? ' autofocus' : ''}></div>
<button type="submit" class="primary">Sign in</button>
</form>`;
  const divider = form && input.sso.length > 0 ? '<p class="divider"><span>or</span></p>' : '';
  const sso =
    input.sso.length === 0
      ? ''
      : `<ul class="sso">${input.sso
          .map(
            (b) =>
              `<li><a class="button sso-button" data-sso="${escapeHtml(b.provider)}" href="${escapeHtml(b.href)}"${mode === 'iframe' ? ' target="_blank" rel="opener"' : ''}>${escapeHtml(b.label)}</a></li>`,
          )
          .join('')}</ul>`;
  const body = `<h1>Sign in<span class="to"> to ${escapeHtml(title)}</span></h1>
${error}
${form}${divider}${sso}`;
  return page({
    status: input.status ?? 200,
    title: `Sign in – ${title}`,
    bot,
    body,
    script: '/assets/login.js',
    data: { mode, origin: bot.origin },
  });
}

export function renderSuccessPage(input: SuccessPageInput): BrowserPage {
  const result: CompletionData = {
    type: 'chatwarden:token',
    token: input.token,
    expiresAt: input.expiresAt,
    origin: input.bot.origin,
    mode: input.mode,
    ...(input.chatVariable !== undefined && { chatVariable: input.chatVariable }),
    ...(input.identity !== undefined && { identity: input.identity }),
  };
  const body = `<h1>You're signed in</h1>
<p class="status" id="status" role="status">Signed in as <strong>${escapeHtml(input.subject)}</strong>. Returning you to the chat…</p>
<script type="application/json" id="result">${jsonForHtml(result)}</script>`;
  return page({ status: 200, title: `Signed in – ${botTitle(input.bot)}`, bot: input.bot, body, script: '/assets/complete.js' });
}

export function renderErrorPage(input: ErrorPageInput): BrowserPage {
  const retry = input.retryUrl ? `<p><a class="button primary" href="${escapeHtml(input.retryUrl)}">Start again</a></p>` : '';
  const body = `<h1>${escapeHtml(input.title)}</h1>
<p class="message" role="alert">${escapeHtml(input.message)}</p>
${retry}`;
  return page({ status: input.status, title: input.title, bot: input.bot, body });
}

/** The login page URL for a bot and mode (used for "Start again" links). */
export function loginUrl(bot: Pick<LoginBot, 'id' | 'origin'>, mode: LoginMode, conversation?: string): string {
  const query = new URLSearchParams({ bot: bot.id, origin: bot.origin, mode });
  if (conversation !== undefined) query.set('conversation', conversation);
  return `/login?${query.toString()}`;
}

export const USERNAME_MAX = 128;
export const PASSWORD_MAX = 1024;

function botTitle(bot: PageBot): string {
  return bot.config.title ?? bot.id;
}

interface PageParts {
  status: number;
  title: string;
  bot?: PageBot;
  body: string;
  script?: string;
  data?: Record<string, string>;
}

function page(parts: PageParts): BrowserPage {
  const { bot } = parts;
  const logoUrl = bot?.config.logoUrl;
  const logo = logoUrl ? `<img class="logo" src="${escapeHtml(logoUrl)}" alt="">` : '';
  const theme = bot?.config.primaryColor ? `\n<link rel="stylesheet" href="/assets/theme/${encodeURIComponent(bot.id)}.css">` : '';
  const script = parts.script ? `\n<script src="${parts.script}" defer></script>` : '';
  const data = Object.entries(parts.data ?? {})
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
    .join('');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(parts.title)}</title>
<link rel="stylesheet" href="/assets/login.css">${theme}${script}
</head>
<body${data}>
<main class="card">
${logo}${parts.body}
</main>
</body>
</html>
`;
  return {
    status: parts.status,
    html,
    headers: pageHeaders({
      frameAncestors: bot?.origins ?? [],
      imageOrigins: logoUrl && /^https?:/.test(logoUrl) ? [new URL(logoUrl).origin] : [],
    }),
  };
}
