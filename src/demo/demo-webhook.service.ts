/**
 * The demo's mock webhook handler: what a bot's webhook does when an intent
 * needs the logged-in user. It calls POST /v1/verify/token over HTTP with an
 * API key that only this process knows (created at start, never sent to the
 * browser), exactly as a real handler would, and turns the verdict into the
 * chat answer. Dev mode only.
 */
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { ApiClientService } from '../clients/api-client.service.js';

export const DEMO_ACTIONS = {
  'orders.lookup': (subject: string) => `Hi ${subject}, you have 2 orders: #1001 (shipped) and #1002 (being packed).`,
  'account.update': (subject: string) => `Done, ${subject}: your delivery address is updated.`,
} as const;

export type DemoAction = keyof typeof DEMO_ACTIONS;

export interface DemoWebhookResult {
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

  async handle(action: DemoAction, token: string | undefined): Promise<DemoWebhookResult> {
    const body = { token: token ?? '', bot: 'demo', action };
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

function shorten(token: string): string {
  return token.length > 24 ? `${token.slice(0, 12)}…${token.slice(-8)}` : token;
}
