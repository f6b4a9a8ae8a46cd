/**
 * The HTTP transport every chat adapter shares: Node's built-in fetch with a
 * timeout per request and bounded retries with exponential backoff and
 * jitter. What the vendor's answers mean is left to the adapter.
 *
 * Only failures that another try may fix are retried: network errors,
 * timeouts, 5xx answers and 2xx answers whose JSON is unreadable. A 4xx is
 * returned at once, because sending the same request again gets the same
 * answer. The calls made through this client (set a variable, obtain a
 * token) are idempotent, so a retry after a lost answer is harmless.
 */
import { ChatApiError, type ChatApiOptions } from './chat-api.js';

export interface ChatHttpRequest {
  readonly method: 'POST';
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: string | URLSearchParams;
  /** What this call does, for error messages ("POST /v1/auth"); never a secret. */
  readonly label: string;
  /** Overrides the client's maxAttempts for this call. */
  readonly maxAttempts?: number;
}

export interface ChatHttpResponse {
  readonly status: number;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  readonly json: unknown;
}

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_BASE_DELAY_MS = 200;
export const DEFAULT_MAX_DELAY_MS = 2000;

/**
 * Wait before retry number `retry` (1 for the first retry): exponential,
 * capped, with "equal jitter" (half fixed, half random) so that instances
 * retrying after the same outage spread out without ever retrying at once.
 */
export function backoffDelay(retry: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  return ceiling / 2 + (ceiling / 2) * random();
}

export class ChatHttpClient {
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;

  constructor(
    /** Names the vendor in error messages, e.g. "Inbenta". */
    private readonly service: string,
    options: ChatApiOptions = {},
  ) {
    this.timeoutMs = positive(options.timeoutMs, DEFAULT_TIMEOUT_MS);
    this.maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS));
    this.baseDelayMs = Math.max(0, options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS);
    this.maxDelayMs = Math.max(this.baseDelayMs, options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
    this.random = options.random ?? Math.random;
  }

  /**
   * Sends `request`, retrying transient failures. Resolves with the first
   * answer that is final (any 1xx-4xx, or a 2xx with readable JSON); rejects
   * with `chat_api_unavailable` when every attempt failed transiently.
   */
  async send(request: ChatHttpRequest): Promise<ChatHttpResponse> {
    const attempts = Math.max(1, Math.min(request.maxAttempts ?? this.maxAttempts, this.maxAttempts));
    let failure = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(backoffDelay(attempt - 1, this.baseDelayMs, this.maxDelayMs, this.random));
      const outcome = await this.attempt(request);
      if ('response' in outcome) return outcome.response;
      failure = outcome.failure;
    }
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    throw new ChatApiError(
      'chat_api_unavailable',
      `The ${this.service} chat service is unavailable: ${request.label} failed after ${tries} (${failure})`,
    );
  }

  private async attempt(request: ChatHttpRequest): Promise<{ response: ChatHttpResponse } | { failure: string }> {
    let status: number;
    let text: string;
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        // A redirect would carry the API key and tokens to wherever it points.
        redirect: 'manual',
        // Covers reading the body as well as waiting for the headers.
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      return { failure: describeFetchError(error, this.timeoutMs) };
    }
    if (status >= 500) return { failure: `HTTP ${status}` };
    const json = parseJson(text);
    if (status >= 200 && status < 300 && json === undefined)
      return { failure: `HTTP ${status} with a body that is not JSON` };
    return { response: { status, json } };
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A short, secret-free account of why fetch threw. The thrown error itself is
 * not kept: fetch's messages can quote request header values.
 */
function describeFetchError(error: unknown, timeoutMs: number): string {
  // Duck-typed: fetch's errors (a DOMException on timeout) may come from another realm.
  const { name, cause } = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    cause?: unknown;
  };
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? `network error ${code}` : 'network error';
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
