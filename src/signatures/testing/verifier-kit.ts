/**
 * Test helpers for the signatures module (used by its specs only): a
 * SignatureService over a MemoryStore with a frozen, movable clock and a
 * fixed secret source, and a way to capture the typed error a call throws.
 */
import { AppError } from '../../common/app-error.js';
import { MemoryStore } from '../../store/memory.store.js';
import { SignatureService } from '../signature.service.js';
import type { LiveSecret, SignedRequest } from '../signature-verifier.js';
import { createVerifierRegistry, type VerifierRegistry } from '../verifier-registry.js';
import { WebhookConfigDto } from '../webhook-config.dto.js';
import { WebhookSecretSource } from '../webhook-secret-source.js';

export const BOT = 'shop';

export class FixedSecretSource extends WebhookSecretSource {
  constructor(public secrets: LiveSecret[]) {
    super();
  }
  secretsFor(botId: string): LiveSecret[] {
    return botId === BOT ? this.secrets : [];
  }
}

/** Secrets with config-style ids: `config-0`, `config-1`, … */
export function configSecrets(...values: string[]): LiveSecret[] {
  return values.map((value, index) => ({ id: `config-${index}`, value }));
}

export interface Harness {
  service: SignatureService;
  store: MemoryStore;
  source: FixedSecretSource;
  /** Sets the clock of both the service and the store (Unix seconds). */
  setNow(unixSeconds: number): void;
}

export function harness(secrets: LiveSecret[], nowUnixSeconds: number, registry?: VerifierRegistry): Harness {
  let nowMs = nowUnixSeconds * 1000;
  const store = new MemoryStore({ now: () => nowMs });
  const source = new FixedSecretSource(secrets);
  const service = new SignatureService(registry ?? createVerifierRegistry(), source, store, () => new Date(nowMs));
  return {
    service,
    store,
    source,
    setNow(unixSeconds: number) {
      nowMs = unixSeconds * 1000;
    },
  };
}

export function webhook(fields: Partial<WebhookConfigDto> & Pick<WebhookConfigDto, 'scheme'>): WebhookConfigDto {
  return Object.assign(new WebhookConfigDto(), fields);
}

export function post(headers: SignedRequest['headers'], body: string | Buffer, url?: string): SignedRequest {
  const request: SignedRequest = { method: 'POST', headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8') };
  if (url !== undefined) request.url = url;
  return request;
}

/** The AppError `promise` rejects with; any other outcome is turned into a thrown Error so the test fails. */
export async function rejection(promise: Promise<unknown>): Promise<AppError> {
  let result: unknown;
  try {
    result = await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw new Error(`expected an AppError, got ${String(error)}`);
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
}

/** A copy of `body` with one byte flipped. */
export function tamper(body: string | Buffer, index = 0): Buffer {
  const copy = Buffer.from(body);
  copy[index] = (copy[index] as number) ^ 0x01;
  return copy;
}
