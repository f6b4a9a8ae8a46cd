/**
 * A small bounded pool of long-lived connections (LDAP here, but nothing in
 * it knows LDAP). At most `size` connections exist; a caller waits at most
 * `acquireTimeoutMs` for one. A connection whose operation failed in a way
 * that may have broken it is destroyed, and the next caller makes a new one.
 * After a failed connect, new connects wait for a backoff that doubles up to
 * `backoffMaxMs`, so a directory that is down is not hammered and callers
 * learn "unavailable" at once instead of each waiting for a connect timeout.
 */
export interface PoolOptions<C> {
  size: number;
  create: () => Promise<C>;
  destroy: (connection: C) => void;
  /** False for a connection that cannot be used any more (closed by the server). */
  alive: (connection: C) => boolean;
  acquireTimeoutMs: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  now?: () => number;
}

export class PoolUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoolUnavailableError';
  }
}

interface Waiter<C> {
  resolve: (connection: C) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class ConnectionPool<C> {
  private readonly idle: C[] = [];
  private readonly waiters: Waiter<C>[] = [];
  /** Connections that exist or are being made. */
  private count = 0;
  private backoffMs = 0;
  private retryAt = 0;
  private lastError: unknown;
  private closed = false;

  constructor(private readonly options: PoolOptions<C>) {}

  /** Runs `work` on a connection; `keep(error)` says whether the connection survives a failure of `work`. */
  async use<T>(work: (connection: C) => Promise<T>, keep: (error: unknown) => boolean = () => false): Promise<T> {
    const connection = await this.acquire();
    let result: T;
    try {
      result = await work(connection);
    } catch (error) {
      if (keep(error)) this.release(connection);
      else this.discard(connection);
      throw error;
    }
    this.release(connection);
    return result;
  }

  /** True while connects are refused after a failure (the directory looks down). */
  get backingOff(): boolean {
    return this.now() < this.retryAt;
  }

  close(): void {
    this.closed = true;
    for (const connection of this.idle.splice(0)) this.destroy(connection);
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new PoolUnavailableError('pool closed'));
    }
  }

  private async acquire(): Promise<C> {
    if (this.closed) throw new PoolUnavailableError('pool closed');
    while (this.idle.length > 0) {
      const connection = this.idle.pop() as C;
      if (this.options.alive(connection)) return connection;
      this.destroy(connection);
    }
    if (this.count < this.options.size) return this.connect();
    return new Promise<C>((resolve, reject) => {
      const waiter: Waiter<C> = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new PoolUnavailableError(`no connection free within ${this.options.acquireTimeoutMs} ms`));
        }, this.options.acquireTimeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private async connect(): Promise<C> {
    if (this.backingOff) {
      throw new PoolUnavailableError('not reconnecting yet after a failed connect', { cause: this.lastError });
    }
    this.count++;
    try {
      const connection = await this.options.create();
      this.backoffMs = 0;
      return connection;
    } catch (error) {
      this.count--;
      this.lastError = error;
      const min = this.options.backoffMinMs ?? 250;
      this.backoffMs = Math.min(this.backoffMs === 0 ? min : this.backoffMs * 2, this.options.backoffMaxMs ?? 5000);
      this.retryAt = this.now() + this.backoffMs;
      this.wakeWaiter();
      throw new PoolUnavailableError('connect failed', { cause: error });
    }
  }

  private release(connection: C): void {
    if (this.closed || !this.options.alive(connection)) return this.discard(connection);
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(connection);
    } else {
      this.idle.push(connection);
    }
  }

  private discard(connection: C): void {
    this.destroy(connection);
    this.wakeWaiter();
  }

  private destroy(connection: C): void {
    this.count--;
    try {
      this.options.destroy(connection);
    } catch {
      // Destroying a broken connection may fail again; it is gone either way.
    }
  }

  /** A slot became free: the first waiter makes its own connection (or learns the directory is down). */
  private wakeWaiter(): void {
    if (this.closed || this.count >= this.options.size) return;
    const waiter = this.waiters.shift();
    if (!waiter) return;
    clearTimeout(waiter.timer);
    this.connect().then(waiter.resolve, waiter.reject);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
