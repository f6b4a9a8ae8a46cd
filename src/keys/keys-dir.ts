/**
 * The keys dir: secret JSON files (token keys, API clients, vendor secrets,
 * users). Directory 0700, files 0600. Writes are atomic (temp file, fsync,
 * rename) and serialised by a lock, so two CLI runs at once cannot lose an
 * update; readers never see a half-written file.
 */
import { randomId } from '../crypto/random.js';
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';

export class KeysDir {
  readonly path: string;

  constructor(path: string) {
    this.path = resolve(path);
  }

  /** Creates the directory (0700) when missing and tightens its mode. */
  ensure(): void {
    mkdirSync(this.path, { recursive: true, mode: 0o700 });
    try {
      chmodSync(this.path, 0o700);
    } catch (error) {
      // A read-only mount (a Kubernetes Secret) cannot be tightened, nor written: instances only read it.
      if ((error as NodeJS.ErrnoException).code !== 'EROFS') throw error;
    }
  }

  file(name: string): string {
    // Names are fixed strings chosen by the code, never user input; refuse anything path-like anyway.
    if (!/^[a-z][a-z0-9-]*\.json$/.test(name)) throw new Error(`not a keys-dir file name: ${name}`);
    return join(this.path, name);
  }

  /** Parsed content of `name`, or `fallback` when the file does not exist. */
  read<T>(name: string, fallback: T): T {
    let text: string;
    try {
      text = readFileSync(this.file(name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
      throw error;
    }
    return JSON.parse(text) as T;
  }

  /** Modification stamp used by watchers to notice a change cheaply. */
  stamp(name: string): string {
    try {
      const stat = statSync(this.file(name));
      return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    } catch {
      return 'absent';
    }
  }

  /**
   * Read-modify-write under an exclusive lock. `change` gets the current
   * content and returns the new one; the result is written atomically.
   */
  async update<T>(name: string, fallback: T, change: (current: T) => T): Promise<T> {
    this.ensure();
    const target = this.file(name);
    const release = await lockfile.lock(target, {
      realpath: false,
      stale: 10_000,
      retries: { retries: 50, minTimeout: 20, maxTimeout: 200 },
    });
    try {
      const next = change(this.read(name, fallback));
      this.writeAtomic(name, next);
      return next;
    } finally {
      await release();
    }
  }

  private writeAtomic(name: string, content: unknown): void {
    const target = this.file(name);
    const temp = `${target}.${process.pid}.${randomId(4)}.tmp`;
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(content, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      renameSync(temp, target);
    } catch (error) {
      unlinkSync(temp);
      throw error;
    }
    chmodSync(target, 0o600);
  }
}
