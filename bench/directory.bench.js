// node bench/directory.bench.js (after npm run build; needs Debian's slapd) —
// directory logins against a throw-away slapd on a loopback port:
//  1. plain ldapts: DIRECTORY_CONCURRENCY workers, each with its own two
//     connections (one bound as the service account), doing search + bind
//     per round: the floor any LDAP login pays;
//  2. the same rounds through chatwarden's Directory adapter (its pools,
//     escaping, timeouts, memberOf and profile reading): the ratio 2/1 is the
//     adapter's overhead (target >= 0.8);
//  3. verify-token latency (autocannon, 10 connections) idle, then while
//     directory logins run through GET/POST /login of the built service.
// BENCH_SECONDS sets each phase's duration (default 10). The slapd test
// harness (test/support/slapd.ts) is TypeScript; this starts its own,
// smaller slapd (plain ldap:// on loopback, no TLS).
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'ldapts';
import { freePort, root, startBenchService } from './bench-support.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const concurrency = Number(process.env.DIRECTORY_CONCURRENCY ?? 8);
const SLAPD = process.env.SLAPD_PATH ?? '/usr/sbin/slapd';
const SUFFIX = 'dc=example,dc=com';
const ROOT_DN = `cn=admin,${SUFFIX}`;
const SERVICE_DN = `cn=chatwarden,ou=services,${SUFFIX}`;
const PEOPLE = `ou=people,${SUFFIX}`;
const SECRET = 'bench-secret';
const PASSWORD = 'bench-user-password';
const ORIGIN = 'https://shop.example.com';

async function startSlapd() {
  const dir = mkdtempSync(join(tmpdir(), 'chatwarden-bench-slapd-'));
  mkdirSync(join(dir, 'db'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'slapd.conf'),
    ['core', 'cosine', 'inetorgperson'].map((s) => `include /etc/ldap/schema/${s}.schema`).join('\n') +
      `\nmodulepath /usr/lib/ldap\nmoduleload back_mdb\nmoduleload memberof\npidfile ${dir}/slapd.pid\n` +
      `database mdb\nmaxsize 33554432\nsuffix "${SUFFIX}"\nrootdn "${ROOT_DN}"\nrootpw ${SECRET}\ndirectory ${dir}/db\noverlay memberof\n` +
      'access to attrs=userPassword by anonymous auth by * none\naccess to * by users read by * none\n',
  );
  const child = spawn(SLAPD, ['-f', join(dir, 'slapd.conf'), '-h', `ldap://127.0.0.1:${port}/`, '-d', '0'], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    const open = await new Promise((done) => createConnection({ host: '127.0.0.1', port }).once('connect', function () { this.destroy(); done(true); }).once('error', () => done(false)));
    if (open) break;
    if (i > 200) throw new Error('slapd did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = `ldap://127.0.0.1:${port}`;
  const admin = new Client({ url });
  await admin.bind(ROOT_DN, SECRET);
  await admin.add(SUFFIX, { objectClass: ['top', 'dcObject', 'organization'], dc: 'example', o: 'Example' });
  for (const ou of ['people', 'services', 'groups']) await admin.add(`ou=${ou},${SUFFIX}`, { objectClass: 'organizationalUnit', ou });
  await admin.add(SERVICE_DN, { objectClass: ['organizationalRole', 'simpleSecurityObject'], cn: 'chatwarden', userPassword: SECRET });
  await admin.add(`uid=bench,${PEOPLE}`, { objectClass: 'inetOrgPerson', uid: 'bench', cn: 'Bench User', sn: 'User', mail: 'bench@example.com', userPassword: PASSWORD });
  await admin.add(`cn=customers,ou=groups,${SUFFIX}`, { objectClass: 'groupOfNames', cn: 'customers', member: `uid=bench,${PEOPLE}` });
  await admin.unbind();
  return { url, stop: () => (child.kill('SIGKILL'), rmSync(dir, { recursive: true, force: true })) };
}

/** `round()` as often as possible from `concurrency` workers for `duration` seconds; rounds per second. */
async function rate(makeWorker, duration) {
  const workers = await Promise.all(Array.from({ length: concurrency }, makeWorker));
  const until = Date.now() + duration * 1000;
  let count = 0;
  const cpu = process.cpuUsage();
  await Promise.all(workers.map(async (worker) => {
    while (Date.now() < until) {
      await worker.round();
      count++;
    }
  }));
  const used = process.cpuUsage(cpu);
  lastCpuPerRound = (used.user + used.system) / count;
  await Promise.all(workers.map((w) => w.close?.()));
  return count / duration;
}

/** Client-side CPU µs per round of the last rate() (this process only; slapd is another): less noisy than rates on a busy machine. */
let lastCpuPerRound = 0;

async function plainWorker(url) {
  const search = new Client({ url, timeout: 5000 });
  const bind = new Client({ url, timeout: 5000 });
  await search.bind(SERVICE_DN, SECRET);
  return {
    round: async () => {
      const { searchEntries } = await search.search(PEOPLE, { scope: 'sub', filter: '(&(objectClass=inetOrgPerson)(uid=bench))', sizeLimit: 2, attributes: ['memberOf', 'mail', 'cn'] });
      await bind.bind(searchEntries[0].dn, PASSWORD);
    },
    close: () => Promise.all([search.unbind(), bind.unbind()]),
  };
}

function verifyLoad(url, body, key, duration) {
  return autocannon({ url: `${url}/v1/verify/token`, method: 'POST', connections: 10, duration, body, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } }).then((r) => {
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`verify: ${r.non2xx} non-2xx, ${r.errors} errors`);
    return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max };
  });
}

async function loginOnce(url) {
  const page = await fetch(`${url}/login?bot=shop&origin=${encodeURIComponent(ORIGIN)}&mode=popup`).then((r) => r.text());
  const formToken = /name="formToken" value="([^"]+)"/.exec(page)[1];
  const response = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ formToken, username: 'bench', password: PASSWORD }).toString(),
  });
  if (response.status !== 200) throw new Error(`login failed with ${response.status}`);
  await response.text();
}

const slapd = await startSlapd();
let service;
try {
  const { DirectoryConfig, DirectoryTimeouts } = await import(join(root, 'dist/directory/directory-config.js'));
  const { LdaptsDirectory } = await import(join(root, 'dist/directory/ldapts.adapter.js'));
  const settings = Object.assign(new DirectoryConfig(), {
    url: slapd.url, bindDn: SERVICE_DN, bindPassword: SECRET, userBase: PEOPLE,
    profile: { email: 'mail', name: 'cn' }, poolSize: concurrency, timeouts: new DirectoryTimeouts(),
  });
  const directory = new LdaptsDirectory(settings);
  const adapterWorker = async () => ({
    round: async () => {
      const answer = await directory.authenticate('bench', PASSWORD);
      if (!answer.ok) throw new Error(`adapter login refused: ${answer.reason}`);
    },
  });

  await rate(() => plainWorker(slapd.url), 2); // warm-up
  await rate(adapterWorker, 2);
  // Interleaved, twice each, so a noisy neighbour hits both alike.
  const plain = [], adapter = [], plainCpu = [], adapterCpu = [];
  for (let i = 0; i < 3; i++) {
    plain.push(await rate(() => plainWorker(slapd.url), seconds / 3));
    plainCpu.push(lastCpuPerRound);
    adapter.push(await rate(adapterWorker, seconds / 3));
    adapterCpu.push(lastCpuPerRound);
  }
  await directory.close();
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`\n${concurrency} concurrent, ${seconds} s per phase, slapd on loopback (plain ldap://, mdb, memberof)`);
  console.log(`plain ldapts search + bind           ${mean(plain).toFixed(0)} /s   (${plain.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`Directory adapter logins             ${mean(adapter).toFixed(0)} /s   (${adapter.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`ratio adapter / plain: ${(mean(adapter) / mean(plain)).toFixed(2)}   (target >= 0.8)`);
  console.log(`client CPU per round: plain ${mean(plainCpu).toFixed(0)} µs, adapter ${mean(adapterCpu).toFixed(0)} µs`);

  // DIRECTORY_BENCH_HTTP=0: the adapter comparison only.
  if (process.env.DIRECTORY_BENCH_HTTP !== '0') await httpPhase();
} finally {
  service?.stop();
  slapd.stop();
}

async function httpPhase() {
  service = await startBenchService({
    env: { LDAP_BIND_PASSWORD: SECRET },
    config: [
      'store: memory://',
      `login: { local: false, lockout: { maxFailures: 5, windowSeconds: 900, banSeconds: 900 }, directory: { url: "${slapd.url}", bindDn: "${SERVICE_DN}", bindPassword: { env: LDAP_BIND_PASSWORD }, userBase: "${PEOPLE}", roleMap: { "cn=customers,ou=groups,${SUFFIX}": customer }, poolSize: ${concurrency} } }`,
      'roles: { customer: [orders:read, account:read] }',
      'bots:',
      `  shop: { origins: [${ORIGIN}], actions: { orders.lookup: [orders:read] } }`,
    ],
    prepare: (cli) => cli(['clients', 'add', 'bench', '--scopes', 'verify,issue']),
  });
  const { url } = service;
  const { key } = service.prepared;
  const issued = await fetch(`${url}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ bot: 'shop', subject: 'alice', roles: ['customer'] }),
  }).then((r) => r.json());
  const body = JSON.stringify({ token: issued.token, bot: 'shop', action: 'orders.lookup' });
  const httpLogins = (duration) => rate(async () => ({ round: () => loginOnce(url) }), duration);
  await httpLogins(2); // warm-up
  const loginRate = await httpLogins(seconds);
  await verifyLoad(url, body, key, 2);
  const idle = await verifyLoad(url, body, key, seconds);
  const [busy, concurrentLogins] = await Promise.all([verifyLoad(url, body, key, seconds), httpLogins(seconds)]);

  const row = (name, r) => `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   max ${String(r.max).padStart(4)} ms`;
  console.log(`directory logins over HTTP           ${loginRate.toFixed(1)} /s   (GET /login + POST /login, whole service)`);
  console.log(row('verify-token, idle', idle));
  console.log(row('verify-token, directory logins', busy));
  console.log(`logins during that phase             ${concurrentLogins.toFixed(1)} /s`);
  console.log(`p99 ratio busy / idle: ${(busy.p99 / Math.max(idle.p99, 1)).toFixed(2)}`);
}
