/**
 * The outbound side of the gateway: one undici Pool (the client
 * @fastify/reply-from uses) per configured upstream origin, keep-alive
 * connections reused across calls. Every call is bounded: the whole
 * exchange by `timeoutSeconds`, the answer by MAX_UPSTREAM_RESPONSE_BYTES.
 * Redirects are never followed (undici's request does not follow them) and
 * count as failures: the vendor must not be sent elsewhere by the upstream.
 */
import { Pool, type Dispatcher } from 'undici';

export const MAX_UPSTREAM_RESPONSE_BYTES = 1024 * 1024;

export type UpstreamFailureKind = 'timeout' | 'unreachable' | 'status_5xx' | 'too_large' | 'redirect';

export class UpstreamFailure extends Error {
  constructor(
    readonly kind: UpstreamFailureKind,
    /** For the audit line: the upstream's status, or the client's error code. Never a body. */
    readonly reason: string,
  ) {
    super(`upstream ${kind}: ${reason}`);
    this.name = 'UpstreamFailure';
  }
}

export interface UpstreamAnswer {
  status: number;
  contentType?: string;
  body: Buffer;
}

export interface UpstreamCall {
  /** The full upstream URL (from config) with the action appended. */
  url: URL;
  headers: Record<string, string | string[]>;
  body: Buffer;
  timeoutMs: number;
}

function isTimeout(error: unknown): boolean {
  const code = (error as { code?: string; name?: string }).code;
  const name = (error as { name?: string }).name;
  return (
    name === 'TimeoutError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'ETIMEDOUT'
  );
}

type AnswerBody = Dispatcher.ResponseData['body'];

/** Reads away a small unwanted answer (keeps the connection for the next call), or drops the connection past 64 KiB. */
async function discard(stream: AnswerBody): Promise<void> {
  await stream.dump({ limit: 64 * 1024 }).catch(() => undefined);
}

/** Drops the answer and its connection; the abort error it raises is expected. */
function abort(stream: AnswerBody): void {
  stream.on('error', () => undefined);
  stream.destroy();
}

export class UpstreamClient {
  private readonly pools = new Map<string, Pool>();

  async call({ url, headers, body, timeoutMs }: UpstreamCall): Promise<UpstreamAnswer> {
    const signal = AbortSignal.timeout(timeoutMs);
    let response;
    try {
      response = await this.pool(url.origin, timeoutMs).request({
        method: 'POST',
        path: `${url.pathname}`,
        headers,
        body,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (error) {
      throw this.failure(error, signal);
    }
    const { statusCode, headers: answerHeaders, body: stream } = response;
    if (statusCode >= 300 && statusCode < 400) {
      await discard(stream);
      throw new UpstreamFailure('redirect', String(statusCode));
    }
    if (statusCode >= 500) {
      await discard(stream);
      throw new UpstreamFailure('status_5xx', String(statusCode));
    }
    const declared = Number(answerHeaders['content-length']);
    if (Number.isFinite(declared) && declared > MAX_UPSTREAM_RESPONSE_BYTES) {
      abort(stream);
      throw new UpstreamFailure('too_large', 'content-length');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of stream) {
        size += (chunk as Buffer).length;
        if (size > MAX_UPSTREAM_RESPONSE_BYTES) {
          abort(stream);
          throw new UpstreamFailure('too_large', 'body');
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      if (error instanceof UpstreamFailure) throw error;
      throw this.failure(error, signal);
    }
    const contentType = answerHeaders['content-type'];
    return { status: statusCode, contentType: Array.isArray(contentType) ? contentType[0] : contentType, body: Buffer.concat(chunks, size) };
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.close().catch(() => undefined)));
  }

  /** One pool per origin and timeout: the connect timeout is the pool's, and bots may bound their calls differently. */
  private pool(origin: string, timeoutMs: number): Pool {
    const key = `${origin} ${timeoutMs}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new Pool(origin, { connections: 128, keepAliveTimeout: 4_000, connect: { timeout: timeoutMs } });
      this.pools.set(key, pool);
    }
    return pool;
  }

  private failure(error: unknown, signal: AbortSignal): UpstreamFailure {
    if (signal.aborted || isTimeout(error)) return new UpstreamFailure('timeout', 'timeout');
    const code = (error as { code?: unknown }).code;
    return new UpstreamFailure('unreachable', typeof code === 'string' ? code : 'error');
  }
}
