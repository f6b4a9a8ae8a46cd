/**
 * Keeps an in-memory view of one keys-dir file current on a running instance:
 * a file watch (immediate), a periodic stamp check (volumes where watching does
 * not work, e.g. some network and Kubernetes Secret mounts) and an explicit
 * nudge (`reloadIfChanged`, called on the store's keys-changed message). The
 * token key ring and the signing key ring both use it, so a `keys revoke` or
 * `keys rotate` reaches every instance within KEY_RELOAD_INTERVAL_MS.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { KeysDir } from './keys-dir.js';

/** How often every instance re-checks the keys files; `keys rotate` waits longer than this before activating. */
export const KEY_RELOAD_INTERVAL_MS = 2000;

export class KeysFileWatch {
  private stamp = '';
  private timer?: NodeJS.Timeout;
  private watcher?: FSWatcher;
  /** Reloads run one after the other, so a watch event and a timer tick never interleave two loads. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly keysDir: KeysDir,
    private readonly fileName: string,
    /** Reads the file and swaps the in-memory view; throws to keep the view last loaded. */
    private readonly load: () => Promise<void>,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Loads once (errors propagate: a ring that cannot load at boot must not start), then watches. */
  async start(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => void this.reloadIfChanged(), KEY_RELOAD_INTERVAL_MS);
    this.timer.unref();
    try {
      this.watcher = watch(this.keysDir.path, () => void this.reloadIfChanged());
      this.watcher.unref();
    } catch {
      // Some volumes cannot be watched; the periodic check covers them.
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.watcher?.close();
  }

  /** Re-reads the file if its stamp moved. Safe to call at any time. */
  reloadIfChanged(): Promise<void> {
    this.queue = this.queue.then(async () => {
      if (this.keysDir.stamp(this.fileName) === this.stamp) return;
      await this.loadNow().catch((error: Error) => this.onError(error));
    });
    return this.queue;
  }

  /** Unconditional reload (first load, or right after this process wrote the file). */
  reload(): Promise<void> {
    const run = this.queue.then(() => this.loadNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async loadNow(): Promise<void> {
    // Stamp first: a write landing during the load moves the stamp again and is read next time.
    const stamp = this.keysDir.stamp(this.fileName);
    await this.load();
    this.stamp = stamp;
  }
}
