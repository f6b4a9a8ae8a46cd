import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeysDir } from './keys-dir.js';

describe('KeysDir', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'keysdir-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates the dir 0700 and files 0600, leaving no temp files', async () => {
    const dir = new KeysDir(join(root, 'keys'));
    await dir.update<{ n: number }>('counter.json', { n: 0 }, (c) => ({ n: c.n + 1 }));
    expect(statSync(dir.path).mode & 0o777).toBe(0o700);
    expect(statSync(dir.file('counter.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir.path)).toEqual(['counter.json']);
    expect(dir.read('counter.json', { n: -1 })).toEqual({ n: 1 });
  });

  it('loses no update when many writers run at once', async () => {
    const writers = Array.from({ length: 5 }, () => new KeysDir(join(root, 'keys')));
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => writers[i % writers.length].update<{ n: number }>('counter.json', { n: 0 }, (c) => ({ n: c.n + 1 }))),
    );
    expect(writers[0].read('counter.json', { n: 0 })).toEqual({ n: 40 });
  });

  it('refuses path-like file names', () => {
    const dir = new KeysDir(root);
    expect(() => dir.file('../etc/passwd')).toThrow(/not a keys-dir file name/);
    expect(() => dir.file('a/b.json')).toThrow();
  });

  it('a changed file changes its stamp', async () => {
    const dir = new KeysDir(root);
    const before = dir.stamp('x.json');
    await dir.update<{ a?: number }>('x.json', {}, () => ({ a: 1 }));
    expect(dir.stamp('x.json')).not.toBe(before);
  });
});
