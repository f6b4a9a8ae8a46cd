/**
 * A throw-away OpenLDAP server for the directory tests: Debian's slapd,
 * started by the test on private loopback ports (ldap:// with StartTLS and
 * ldaps://) from a generated slapd.conf, an mdb database in a temp dir, the
 * memberof overlay, and a CA plus server certificate made here with openssl.
 * It never touches a system slapd. Its log (`-d stats`) records every BIND,
 * so a test can prove that a password never reached the server.
 *
 * Outside CI a missing slapd skips loudly; with CI=true it is a failure.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { eventually, freePort } from '../store/redis-processes.js';
import { inCi } from './services.js';

export const SLAPD_PATH = process.env.SLAPD_PATH ?? '/usr/sbin/slapd';
const MODULE_PATH = process.env.SLAPD_MODULE_PATH ?? '/usr/lib/ldap';
const SCHEMA_DIR = process.env.SLAPD_SCHEMA_DIR ?? '/etc/ldap/schema';

export const SUFFIX = 'dc=example,dc=com';
export const ROOT_DN = `cn=admin,${SUFFIX}`;
export const ROOT_PASSWORD = 'root-secret-for-tests';
export const SERVICE_DN = `cn=chatwarden,ou=services,${SUFFIX}`;
export const SERVICE_PASSWORD = 'service-secret-for-tests';

/** True when slapd and openssl are installed; loud skip outside CI, failure under CI=true. */
export function slapdAvailable(): boolean {
  const found = existsSync(SLAPD_PATH) && existsSync(join(MODULE_PATH, 'back_mdb.so')) && spawnSync('openssl', ['version']).status === 0;
  if (found) return true;
  const what = `slapd at ${SLAPD_PATH} (modules in ${MODULE_PATH}) and openssl`;
  if (inCi) throw new Error(`${what} are required when CI=true but are not installed (apt-get install slapd)`);
  console.warn(`\n!!! ${what} are not available: SKIPPING the directory tests (apt-get install slapd) !!!\n`);
  return false;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class SlapdServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'chatwarden-slapd-'));
  readonly caFile = join(this.dir, 'ca.pem');
  ldapPort = 0;
  ldapsPort = 0;
  private child: ChildProcess | undefined;
  private log = '';

  get ldapUrl(): string {
    return `ldap://127.0.0.1:${this.ldapPort}`;
  }

  get ldapsUrl(): string {
    return `ldaps://127.0.0.1:${this.ldapsPort}`;
  }

  /** Everything slapd logged since it (re)started. */
  get output(): string {
    return this.log;
  }

  /** First start: certificates, config, empty database, then the entries. */
  async start(): Promise<void> {
    this.ldapPort = await freePort();
    this.ldapsPort = await freePort();
    this.makeCertificates();
    mkdirSync(join(this.dir, 'db'));
    writeFileSync(join(this.dir, 'slapd.conf'), this.config());
    await this.run();
  }

  /** Start again on the same ports with the same database (after stop()). */
  async restart(): Promise<void> {
    await this.run();
  }

  /** SIGSTOP: connections stay open but nothing is answered (a hung or very slow server). */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** SIGKILL, like a crash: open connections drop. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** An ldapts client bound as the rootdn, for seeding entries. */
  async admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ url: this.ldapUrl, timeout: 5000, connectTimeout: 5000 });
    try {
      await client.bind(ROOT_DN, ROOT_PASSWORD);
      return await work(client);
    } finally {
      await client.unbind();
    }
  }

  private async run(): Promise<void> {
    const urls = `ldap://127.0.0.1:${this.ldapPort}/ ldaps://127.0.0.1:${this.ldapsPort}/`;
    // -d stats: stay in the foreground and log connections and operations (BIND dn=…) to stderr.
    const child = spawn(SLAPD_PATH, ['-f', join(this.dir, 'slapd.conf'), '-h', urls, '-d', 'stats'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    running.add(child);
    this.log = '';
    child.stdout?.on('data', (chunk) => (this.log += chunk));
    child.stderr?.on('data', (chunk) => (this.log += chunk));
    child.once('exit', () => running.delete(child));
    try {
      // "slapd starting" is logged once both listeners are bound; a port that merely answers could be another process's.
      await eventually(async () => {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error('slapd exited');
        if (!this.log.includes('slapd starting')) throw new Error('not ready yet');
      }, 15_000, 50);
      await portOpen(this.ldapPort);
      await portOpen(this.ldapsPort);
    } catch {
      throw new Error(`slapd did not start:\n${this.log}`);
    }
  }

  private makeCertificates(): void {
    const at = (name: string) => join(this.dir, name);
    const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', at('ca.key'), '-out', this.caFile,
      '-days', '2', '-subj', '/CN=chatwarden test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=localhost');
    writeFileSync(at('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    openssl('x509', '-req', '-in', at('server.csr'), '-CA', this.caFile, '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at('server.pem'),
      '-days', '2', '-extfile', at('server.ext'));
  }

  private config(): string {
    const at = (name: string) => join(this.dir, name);
    return `include ${SCHEMA_DIR}/core.schema
include ${SCHEMA_DIR}/cosine.schema
include ${SCHEMA_DIR}/inetorgperson.schema
include ${SCHEMA_DIR}/nis.schema
modulepath ${MODULE_PATH}
moduleload back_mdb
moduleload memberof
pidfile ${at('slapd.pid')}
argsfile ${at('slapd.args')}
TLSCACertificateFile ${this.caFile}
TLSCertificateFile ${at('server.pem')}
TLSCertificateKeyFile ${at('server.key')}

database mdb
maxsize 33554432
suffix "${SUFFIX}"
rootdn "${ROOT_DN}"
rootpw ${ROOT_PASSWORD}
directory ${at('db')}
overlay memberof
access to attrs=userPassword by anonymous auth by self write by * none
access to * by users read by * none
`;
  }
}

function portOpen(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

export const PEOPLE = `ou=people,${SUFFIX}`;
export const GROUPS = `ou=groups,${SUFFIX}`;
export const SUPPORT_GROUP = `cn=support,${GROUPS}`;
export const CUSTOMERS_GROUP = `cn=customers,${GROUPS}`;
export const UNMAPPED_GROUP = `cn=unmapped,${GROUPS}`;
/** A DN with characters that are special in DNs (`,` `+`) and in filters (`(` `)` `*`). */
export const SPECIAL_DN = `cn=O'Brien\\, Dara (ops)*\\+x,${PEOPLE}`;
export const PASSWORDS = { alice: 'alice-pass-1', bob: 'bob-pass-2', dave: 'dave-pass-3', twin: 'twin-pass-4', dara: 'dara-pass-5' };

/**
 * The people of the directory tests: alice (support + customers + an
 * unmapped group, mail and cn), bob (customers), dave (disabled through
 * employeeType), two entries answering to `twin`, and dara, whose DN has
 * special characters (support).
 */
export async function seedDirectory(server: SlapdServer): Promise<void> {
  await server.admin(async (client) => {
    await client.add(SUFFIX, { objectClass: ['top', 'dcObject', 'organization'], dc: 'example', o: 'Example' });
    for (const ou of ['people', 'services', 'groups']) await client.add(`ou=${ou},${SUFFIX}`, { objectClass: 'organizationalUnit', ou });
    await client.add(`ou=contractors,${PEOPLE}`, { objectClass: 'organizationalUnit', ou: 'contractors' });
    await client.add(SERVICE_DN, { objectClass: ['organizationalRole', 'simpleSecurityObject'], cn: 'chatwarden', userPassword: SERVICE_PASSWORD });
    const person = (uid: string, cn: string, extra: Record<string, string> = {}) => ({
      objectClass: ['inetOrgPerson'],
      uid,
      cn,
      sn: cn.split(' ').pop() as string,
      userPassword: PASSWORDS[uid as keyof typeof PASSWORDS],
      ...extra,
    });
    await client.add(`uid=alice,${PEOPLE}`, person('alice', 'Alice Example', { mail: 'alice@example.com' }));
    await client.add(`uid=bob,${PEOPLE}`, person('bob', 'Bob Example'));
    await client.add(`uid=dave,${PEOPLE}`, person('dave', 'Dave Example', { employeeType: 'disabled' }));
    await client.add(`uid=twin,${PEOPLE}`, person('twin', 'Twin One'));
    await client.add(`uid=twin,ou=contractors,${PEOPLE}`, person('twin', 'Twin Two'));
    await client.add(SPECIAL_DN, person('dara', "O'Brien, Dara (ops)*+x", { mail: 'dara@example.com' }));
    const group = (cn: string, members: string[]) => client.add(`cn=${cn},${GROUPS}`, { objectClass: 'groupOfNames', cn, member: members });
    await group('support', [`uid=alice,${PEOPLE}`, SPECIAL_DN]);
    await group('customers', [`uid=alice,${PEOPLE}`, `uid=bob,${PEOPLE}`]);
    await group('unmapped', [`uid=alice,${PEOPLE}`]);
  });
}
