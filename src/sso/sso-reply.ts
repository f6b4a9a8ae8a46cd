import type { FastifyReply } from 'fastify';
import type { BrowserPage } from '../login/browser-page.js';

/**
 * Sends a page from the SSO routes. They run in a top-level popup and are
 * never framed, whatever page they show (the login flow's success page
 * allows the bot's origins for the iframe mode of /login).
 */
export function sendPage(reply: FastifyReply, page: BrowserPage): void {
  const headers = { ...page.headers };
  if (headers['content-security-policy']) {
    headers['content-security-policy'] = headers['content-security-policy'].replace(/frame-ancestors [^;]*/, "frame-ancestors 'none'");
  }
  void reply.status(page.status).headers(headers).send(page.html);
}
