/**
 * The demo's mock webhook handler: what a bot's webhook does when an intent
 * needs the logged-in user. It calls POST /v1/verify/token over HTTP with an
 * API key that only this process knows (created at start, never sent to the
 * browser), exactly as a real handler would, and turns the verdict into the
 * chat answer. Dev mode only.
 */
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createHmac, sign, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ApiClientService } from '../clients/api-client.service.js';
import { DEMO_VENDORS, demoBotOf, demoVendorCredentials, type DemoVendor } from './demo-vendors.js';

export const DEMO_ACTIONS = {
  'orders.lookup': (subject: string) => `Hi ${subject}, you have 2 orders: #1001 (shipped) and #1002 (being packed).`,
  'account.update': (subject: string) => `Done, ${subject}: your delivery address is updated.`,
} as const;

export type DemoAction = keyof typeof DEMO_ACTIONS;

export interface DemoWebhookResult {
  /** The vendor's webhook call as the handler received it (credentials redacted, token shortened): token vendors only. */
  vendorCall?: { vendor: DemoVendor; headers: Record<string, string>; body: unknown };
  /** The verify call as the handler sent it (API key redacted, token shortened). */
  request: { method: 'POST'; url: string; headers: Record<string, string>; body: Record<string, unknown> };
  response: { status: number; body: unknown };
  /** What the bot says in the chat. */
  reply: string;
}

@Injectable()
export class DemoWebhookService implements OnApplicationBootstrap {
  private apiKey?: string;

  constructor(
    private readonly clients: ApiClientService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.apiKey = (await this.clients.resetKey('demo-webhook', ['verify'])).key;
  }

  /**
   * The picker's round trip. For a token vendor, the mock vendor turns what
   * its widget received (`carried`: the variables, session attributes,
   * identify payload or visitor info) into a webhook of that vendor's shape,
   * authenticated the vendor's way, and the handler forwards it untouched to
   * POST /v1/verify/webhook. A proof vendor checks its proof itself and sends
   * no chatwarden token in its webhooks, so there the handler verifies the
   * token the site holds with POST /v1/verify/token, as in the plain demo.
   */
  async handleVendor(vendor: DemoVendor, action: DemoAction, carried: Record<string, unknown>, token: string | undefined): Promise<DemoWebhookResult> {
    const bot = demoBotOf(vendor);
    if (DEMO_VENDORS[vendor].kind === 'proof') return this.handle(action, token, bot);
    const call = vendorCall(vendor, action, carried);
    const body = { bot, action, headers: call.headers, body: call.body };
    const response = await fetch(`${this.ownUrl()}/v1/verify/webhook`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const verdict = (await response.json()) as { valid?: boolean; token?: { subject?: string }; message?: string };
    const subject = verdict.valid === true ? verdict.token?.subject : undefined;
    const reply = subject ? DEMO_ACTIONS[action](subject) : (verdict.message ?? 'Something went wrong.');
    const shown = { ...redact(call.headers), 'content-type': call.headers['content-type'] };
    return {
      vendorCall: { vendor, headers: shown, body: showBody(call.body, call.headers['content-type']) },
      request: {
        method: 'POST',
        url: '/v1/verify/webhook',
        headers: { authorization: "Bearer cwk_…(the handler's API key, never in the browser)", 'content-type': 'application/json' },
        body: { bot, action, headers: shown, body: '(the vendor\'s body, byte for byte)' },
      },
      response: { status: response.status, body: verdict },
      reply,
    };
  }

  async handle(action: DemoAction, token: string | undefined, bot = 'demo'): Promise<DemoWebhookResult> {
    const body = { token: token ?? '', bot, action };
    const url = `${this.ownUrl()}/v1/verify/token`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const verdict = (await response.json()) as { valid?: boolean; subject?: string; message?: string };
    const reply = verdict.valid === true && verdict.subject ? DEMO_ACTIONS[action](verdict.subject) : (verdict.message ?? 'Something went wrong.');
    return {
      request: {
        method: 'POST',
        url: '/v1/verify/token',
        headers: { authorization: 'Bearer cwk_…(the handler\'s API key, never in the browser)', 'content-type': 'application/json' },
        body: { ...body, token: shorten(body.token) },
      },
      response: { status: response.status, body: verdict },
      reply,
    };
  }

  /** This process's own listening address (the handler runs beside chatwarden in the demo). */
  private ownUrl(): string {
    const address = this.adapterHost.httpAdapter.getHttpServer().address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address === '::' ? '::1' : address.address}]` : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
    return `http://${host}:${address.port}`;
  }
}

/** The mock vendor: each vendor's documented webhook shape (VENDORS.md) with what its widget holds, authenticated its way. */
function vendorCall(vendor: DemoVendor, action: DemoAction, carried: Record<string, unknown>): { headers: Record<string, string>; body: string } {
  const c = demoVendorCredentials();
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const json = (body: unknown) => JSON.stringify(body);
  switch (vendor) {
    case 'inbenta':
      // Form-encoded action parameters (the hidden variable by its name) plus the session id; a shared header key.
      return {
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-inbenta-webhook-key': c.inbenta },
        body: new URLSearchParams({ user_token: text(carried.user_token), sessionId: 'demo-session' }).toString(),
      };
    case 'chatbotcom':
      // Session attributes come back under `attributes`; the connection's custom header authenticates.
      return {
        headers: { 'content-type': 'application/json', 'x-chatbot-key': c.chatbotcom },
        body: json({ chatId: 'demo-chat', messageId: 'demo-message', userId: 'demo-visitor', node: { name: action, type: 'WEBHOOK' }, userAttributes: {}, attributes: carried }),
      };
    case 'chatbase': {
      // Chatbase drops the user id when user_hash does not match it (identity verification); user_metadata rides along (unconfirmed place).
      const userId = text(carried.user_id);
      const hash = createHmac('sha256', c.chatbaseIdentity).update(userId).digest();
      const given = Buffer.from(text(carried.user_hash), 'hex');
      const verifiedId = given.length === hash.length && timingSafeEqual(given, hash) ? userId : undefined;
      const body = json({
        eventType: 'leads.submit',
        chatbotId: 'demo-chatbase',
        payload: { conversationId: 'demo-conversation', customerEmail: '', customerName: '', customerPhone: '', user_id: verifiedId, user_metadata: carried.user_metadata ?? {} },
      });
      return { headers: { 'content-type': 'application/json', 'x-chatbase-signature': createHmac('sha1', c.chatbase).update(body).digest('hex') }, body };
    }
    case 'salesiq': {
      // SalesIQ visitor info in the ConvoKraft request's sessionData (unconfirmed place); DSA over the raw body.
      const body = json({ todo: 'execute', bot: { name: 'demo-salesiq' }, action: { name: action }, params: {}, user: {}, sessionData: carried, clientData: {} });
      return { headers: { 'content-type': 'application/json', 'x-convokraft-signature': sign('sha256', Buffer.from(body), c.convokraft.privateKey).toString('base64') }, body };
    }
    default:
      throw new Error(`${vendor} sends no token-carrying webhook`);
  }
}

/** Header values other than the content type are the vendor's credentials or signatures: shown by name only. */
function redact(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((name) => [name, '…(redacted)']));
}

/** The body as the page shows it: parsed, with every long string (the token, a hash) shortened. */
function showBody(body: string, contentType: string | undefined): unknown {
  const parsed: unknown = contentType?.startsWith('application/json') ? JSON.parse(body) : Object.fromEntries(new URLSearchParams(body));
  const walk = (value: unknown): unknown =>
    typeof value === 'string' ? shorten(value) : Array.isArray(value) ? value.map(walk) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)])) : value;
  return walk(parsed);
}

function shorten(token: string): string {
  return token.length > 24 ? `${token.slice(0, 12)}…${token.slice(-8)}` : token;
}
