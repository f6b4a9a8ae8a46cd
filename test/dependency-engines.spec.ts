/**
 * The installed dependency set agrees with the Node versions package.json
 * declares (`engines.node`), and every peer range is met or deliberately
 * overridden. `npm ci` only warns (EBADENGINE, ERESOLVE) and only for the Node
 * it runs on, so a dependency that quietly needs a newer Node than we promise
 * would otherwise land unnoticed.
 *
 * Node versions checked: the lowest release the declared range admits in each
 * even-numbered (LTS) major from its floor up to the running one, plus the
 * running one. Odd majors are never LTS and many packages exclude them
 * (`^20 || ^22 || >=24`), so they are not part of what we promise.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import semver from 'semver';

interface Manifest {
  name?: string;
  version?: string;
  engines?: { node?: string };
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  overrides?: Record<string, string | Record<string, string>>;
}

const ROOT = resolve(process.cwd());
const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
const project = readManifest(ROOT);
const declared = project.engines?.node as string;

/** Every installed package directory under node_modules, nested ones included. */
function installedPackages(modules: string, found: string[] = []): string[] {
  if (!existsSync(modules)) return found;
  for (const entry of readdirSync(modules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const path = join(modules, entry.name);
    if (entry.name.startsWith('@')) {
      installedPackages(path, found);
      continue;
    }
    if (!existsSync(join(path, 'package.json'))) continue;
    found.push(path);
    installedPackages(join(path, 'node_modules'), found);
  }
  return found;
}

/** The lowest admitted release of each even major from the declared floor to the running Node, and the running Node. */
function nodeVersionsToCheck(range: string, running: string): string[] {
  const floor = semver.minVersion(range);
  if (!floor) throw new Error(`engines.node ${range} admits no version`);
  const versions = new Set<string>();
  for (let major = floor.major; major <= semver.major(running); major++) {
    if (major % 2 === 1) continue;
    for (let minor = 0; minor < 100; minor++) {
      const candidate = `${major}.${minor}.0`;
      if (semver.satisfies(candidate, range)) {
        versions.add(candidate);
        break;
      }
    }
  }
  if (semver.satisfies(running, range)) versions.add(semver.clean(running) as string);
  return [...versions];
}

/** The package a `require(name)` from `dir` would find: the nearest node_modules upwards. */
function resolveFrom(dir: string, name: string): Manifest | undefined {
  for (let current = dir; current.startsWith(ROOT); current = dirname(current)) {
    const candidate = join(current, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return readManifest(candidate);
    if (current === ROOT) break;
  }
  return undefined;
}

const packages = installedPackages(join(ROOT, 'node_modules'));

describe('dependency set and the declared Node engine', () => {
  it('finds the installed tree and a declared engine', () => {
    expect(typeof declared).toBe('string');
    expect(packages.length).toBeGreaterThan(100);
  });

  it('checks the floor of each LTS major the declared range admits', () => {
    expect(nodeVersionsToCheck('>=20.12', 'v24.1.0')).toEqual(['20.12.0', '22.0.0', '24.0.0', '24.1.0']);
    expect(nodeVersionsToCheck('^20.19.0 || >=22.12.0', 'v20.20.2')).toEqual(['20.19.0', '20.20.2']);
  });

  it('has no installed package whose engines.node excludes a Node version we declare', () => {
    const versions = nodeVersionsToCheck(declared, process.version);
    const excluded: string[] = [];
    for (const dir of packages) {
      const manifest = readManifest(dir);
      const wanted = manifest.engines?.node;
      if (typeof wanted !== 'string' || !semver.validRange(wanted)) continue;
      const missed = versions.filter((version) => !semver.satisfies(version, wanted));
      if (missed.length > 0) excluded.push(`${dir.slice(ROOT.length + 1)} (${manifest.version}) needs node ${wanted}, excludes ${missed.join(', ')}`);
    }
    expect(excluded).toEqual([]);
  });

  it('meets every required peer range, except peers package.json overrides by name for that package', () => {
    const overrides = project.overrides ?? {};
    const unmet: string[] = [];
    for (const dir of packages) {
      const manifest = readManifest(dir);
      for (const [peer, range] of Object.entries(manifest.peerDependencies ?? {})) {
        const optional = manifest.peerDependenciesMeta?.[peer]?.optional === true;
        const found = resolveFrom(dir, peer);
        if (!found) {
          if (!optional) unmet.push(`${manifest.name} needs peer ${peer}@${range}, not installed`);
          continue;
        }
        if (semver.satisfies(found.version as string, range, { includePrerelease: true })) continue;
        const forPackage = overrides[manifest.name as string];
        if (typeof forPackage === 'object' && Object.hasOwn(forPackage, peer)) continue;
        unmet.push(`${manifest.name} needs peer ${peer}@${range}, found ${found.version}`);
      }
    }
    expect(unmet).toEqual([]);
  });
});
