import { InvalidArgumentError } from 'commander';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { AuditLog } from '../../observability/audit-log.js';
import { isSigningAlg, SIGNING_ALGORITHMS, type SigningAlg } from '../../crypto/signing-key.js';
import { KeysAdmin } from '../../keys/keys-admin.service.js';
import { KEY_RELOAD_INTERVAL_MS } from '../../keys/keys-file-watch.js';
import { DEFAULT_SIGNING_ACTIVATION_DELAY_SECONDS, DEFAULT_SIGNING_ALG } from '../../keys/signing-key-admin.service.js';
import { DEFAULT_ACTIVATION_DELAY_SECONDS, MIN_ACTIVATION_DELAY_SECONDS } from '../../keys/token-key-admin.service.js';
import { appError } from '../../common/error-catalog.js';
import { CliOutput } from '../cli-output.js';
import { CommandGroup } from '../command-group.js';
import { parseInteger } from '../cli-parsers.js';

const COLUMNS = ['kid', 'state', 'activatesAt', 'retiringSince'];
const SIGNING_COLUMNS = ['kid', 'alg', 'state', 'activatesAt', 'retiringSince'];
const RELOAD_SECONDS = Math.ceil(KEY_RELOAD_INTERVAL_MS / 1000);

@SubCommand({ name: 'list', description: 'List token keys and signing keys with their state (pending, active, retiring, revoked)' })
export class KeysListCommand extends CommandRunner {
  constructor(private readonly keys: KeysAdmin, private readonly out: CliOutput) {
    super();
  }
  run(): Promise<void> {
    return this.out.run(() => {
      const overview = this.keys.list();
      this.out.result(overview, (d) =>
        [
          this.out.table(d.keys as unknown as Array<Record<string, unknown>>, COLUMNS),
          '',
          'signing keys:',
          this.out.table(d.signingKeys as unknown as Array<Record<string, unknown>>, SIGNING_COLUMNS),
        ].join('\n'),
      );
    });
  }
}

@SubCommand({
  name: 'rotate',
  description: `Add a new key that becomes active after a delay (token keys: default ${DEFAULT_ACTIVATION_DELAY_SECONDS}s, at least ${MIN_ACTIVATION_DELAY_SECONDS}s; signing keys: default ${DEFAULT_SIGNING_ACTIVATION_DELAY_SECONDS}s, published in the JWKS meanwhile; the first key of an algorithm activates at once) so every instance loads it first; the old key keeps decrypting or verifying`,
})
export class KeysRotateCommand extends CommandRunner {
  constructor(private readonly keys: KeysAdmin, private readonly audit: AuditLog, private readonly out: CliOutput) {
    super();
  }
  run(_args: string[], options: { activateIn?: number; signing?: boolean; alg?: SigningAlg }): Promise<void> {
    return this.out.run(async () => {
      if (options.alg !== undefined && !options.signing) throw appError('invalid_request', { detail: '--alg applies to signing keys: add --signing' });
      if (options.signing) {
        const key = await this.keys.signingKeys.rotate(options.alg ?? DEFAULT_SIGNING_ALG, options.activateIn);
        this.audit.record('key.rotate', { kind: 'signing', kid: key.kid, alg: key.alg, activatesAt: key.activatesAt, actor: 'cli' });
        this.out.result({ key }, (d) => `new ${d.key.alg} signing key ${d.key.kid} is ${d.key.state} (published in the JWKS); it signs from ${d.key.activatesAt}`);
        return;
      }
      const key = await this.keys.tokenKeys.rotate(options.activateIn ?? DEFAULT_ACTIVATION_DELAY_SECONDS);
      this.audit.record('key.rotate', { kid: key.kid, activatesAt: key.activatesAt, actor: 'cli' });
      this.out.result({ key }, (d) => `new key ${d.key.kid} is pending; it becomes active at ${d.key.activatesAt}`);
    });
  }
  @Option({ flags: '--activate-in <seconds>', description: 'seconds until the new key encrypts (signs)' })
  parseActivateIn(value: string): number {
    return parseInteger(value, '--activate-in');
  }
  @Option({ flags: '--signing', description: 'rotate the asymmetric signing key set (JWKS) instead of the token keys' })
  parseSigning(): boolean {
    return true;
  }
  @Option({ flags: '--alg <alg>', description: `signing algorithm: ${SIGNING_ALGORITHMS.join(' or ')} (default ${DEFAULT_SIGNING_ALG}); with --signing` })
  parseAlg(value: string): SigningAlg {
    if (!isSigningAlg(value)) throw new InvalidArgumentError(`--alg is one of ${SIGNING_ALGORITHMS.join(', ')}`);
    return value;
  }
}

@SubCommand({
  name: 'retire',
  arguments: '<kid>',
  description: 'Stop encrypting (signing) with a pending or superseded key; it still decrypts (stays in the JWKS) until its tokens expire',
})
export class KeysRetireCommand extends CommandRunner {
  constructor(private readonly keys: KeysAdmin, private readonly audit: AuditLog, private readonly out: CliOutput) {
    super();
  }
  run([kid]: string[]): Promise<void> {
    return this.out.run(async () => {
      const { kind, key } = await this.keys.retire(kid);
      this.audit.record('key.retire', { kid, ...(kind === 'signing' && { kind }), actor: 'cli' });
      this.out.result({ key }, (d) => `key ${d.key.kid} is retiring since ${d.key.retiringSince}`);
    });
  }
}

@SubCommand({
  name: 'revoke',
  arguments: '<kid>',
  description: `The key is compromised: every instance stops accepting what it made within ${RELOAD_SECONDS}s (token_invalid; dropped from the JWKS). Revoking the active key activates the pending key at once; without one it is refused`,
})
export class KeysRevokeCommand extends CommandRunner {
  constructor(private readonly keys: KeysAdmin, private readonly audit: AuditLog, private readonly out: CliOutput) {
    super();
  }
  run([kid]: string[]): Promise<void> {
    return this.out.run(async () => {
      const revocation = await this.keys.revoke(kid);
      this.audit.record('key.revoke', {
        kid,
        kind: revocation.kind,
        ...(revocation.alg && { alg: revocation.alg }),
        ...(revocation.activated && { activated: revocation.activated }),
        actor: 'cli',
      });
      this.out.result(revocation, (d) =>
        [
          `${d.kind} key ${d.key.kid} is revoked; every instance stops accepting ${d.kind === 'token' ? 'its tokens' : 'it (and drops it from the JWKS)'} within ${RELOAD_SECONDS}s`,
          ...(d.activated ? [`pending key ${d.activated} is active now in its place`] : []),
        ].join('\n'),
      );
    });
  }
}

@SubCommand({ name: 'prune', description: 'Remove retiring token and signing keys whose tokens (signed JWTs) have all expired' })
export class KeysPruneCommand extends CommandRunner {
  constructor(private readonly keys: KeysAdmin, private readonly audit: AuditLog, private readonly out: CliOutput) {
    super();
  }
  run(): Promise<void> {
    return this.out.run(async () => {
      const { removed, signing } = await this.keys.prune();
      if (removed.length > 0) this.audit.record('key.prune', { kids: removed, ...(signing.length > 0 && { signingKids: signing }), actor: 'cli' });
      this.out.result({ removed }, (d) => (d.removed.length ? `removed ${d.removed.join(', ')}` : 'nothing to prune'));
    });
  }
}

@Command({
  name: 'keys',
  description: 'Token encryption keys and signing keys: list, rotate, retire, revoke, prune',
  subCommands: [KeysListCommand, KeysRotateCommand, KeysRetireCommand, KeysRevokeCommand, KeysPruneCommand],
})
export class KeysCommand extends CommandGroup {}
