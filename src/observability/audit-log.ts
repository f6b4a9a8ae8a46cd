/**
 * The audit trail: one line per security decision, `audit: true` and a stable
 * `event` name (documented in the README). Fields carry ids (subject, session,
 * bot, client, kid), never a token, secret or password.
 */
import { Injectable } from '@nestjs/common';
import type { Logger } from 'pino';

export type AuditEvent =
  | 'login.success'
  | 'login.failure'
  | 'login.lockout'
  | 'token.issue'
  | 'token.refresh'
  | 'session.logout'
  | 'session.revoke'
  | 'key.rotate'
  | 'key.retire'
  | 'key.prune'
  | 'key.revoke'
  | 'key.unload'
  | 'client.add'
  | 'client.revoke'
  | 'secret.add'
  | 'secret.retire'
  | 'user.change'
  | 'cli.command'
  | 'signature.verify'
  | 'webhook.verify'
  | 'gateway.forward';

@Injectable()
export class AuditLog {
  constructor(private readonly logger: Logger) {}

  record(event: AuditEvent, fields: Record<string, unknown> = {}): void {
    this.logger.info({ audit: true, event, ...fields }, event);
  }
}
