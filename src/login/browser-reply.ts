import type { FastifyReply } from 'fastify';
import type { BrowserPage } from './browser-page.js';

/** Writes a BrowserPage (status, security headers, HTML) to the reply. */
export function sendPage(reply: FastifyReply, page: BrowserPage): void {
  void reply.status(page.status).headers(page.headers).send(page.html);
}
