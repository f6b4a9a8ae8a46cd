import { createHmac } from 'node:crypto';
import { StoreUnavailableError } from '../store/store.js';
import { SignatureService } from './signature.service.js';
import { SignatureVerifier, type SignedRequest, type VerificationOutcome } from './signature-verifier.js';
import { createVerifierRegistry } from './verifier-registry.js';
import { BOT, configSecrets, harness, post, rejection, webhook } from './testing/verifier-kit.js';

const NOW = 1_700_000_000;
const SECRET = 'chatbase-secret';
const BODY = '{"eventType":"leads.submit"}';
const config = webhook({ scheme: 'chatbase' });

function chatbase(body: string | Buffer, secret = SECRET): SignedRequest {
  return post({ 'x-chatbase-signature': createHmac('sha1', secret).update(body).digest('hex') }, body);
}

/** A verifier that reports whatever the test wants, to exercise the service's own checks. */
class ScriptedVerifier extends SignatureVerifier {
  readonly scheme = 'hmac' as const;
  calls = 0;
  constructor(private readonly outcome: VerificationOutcome | Error) {
    super();
  }
  verify(): VerificationOutcome {
    this.calls += 1;
    if (this.outcome instanceof Error) throw this.outcome;
    return { ...this.outcome };
  }
}

function scripted(outcome: VerificationOutcome | Error) {
  const verifier = new ScriptedVerifier(outcome);
  return { verifier, ...harness(configSecrets(SECRET), NOW, createVerifierRegistry([verifier])) };
}

const scriptedConfig = webhook({ scheme: 'hmac', header: 'x-sig' });

describe('SignatureService', () => {
  it('returns the scheme, the matching secret id and nothing secret', async () => {
    const { service } = harness(configSecrets(SECRET), NOW);
    const result = await service.verify(BOT, config, chatbase(BODY));
    expect(result).toEqual({ valid: true, scheme: 'chatbase', secretId: 'config-0' });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('refuses a body over maxBodyBytes with 413 before running any check', async () => {
    const { service } = harness(configSecrets(SECRET), NOW);
    const huge = Buffer.alloc(1024 * 1024 + 1, 0x61);
    expect(await rejection(service.verify(BOT, config, chatbase(huge)))).toMatchObject({ code: 'body_too_large', status: 413 });
    const small = webhook({ scheme: 'chatbase', maxBodyBytes: 2048 });
    expect((await rejection(service.verify(BOT, small, chatbase(Buffer.alloc(2049, 0x61)))))).toMatchObject({ code: 'body_too_large' });
    await expect(service.verify(BOT, small, chatbase(Buffer.alloc(2048, 0x61)))).resolves.toMatchObject({ valid: true });
  });

  it('answers malformed requests with 400, never an unexpected exception', async () => {
    const { service } = harness(configSecrets(SECRET), NOW);
    const good = chatbase(BODY);
    const malformed = [
      { ...good, body: BODY as unknown as Buffer },
      { ...good, method: 'PO ST' },
      { ...good, method: undefined as unknown as string },
      { ...good, headers: null as unknown as SignedRequest['headers'] },
      { ...good, headers: { 'x-chatbase-signature': 42 as unknown as string } },
      { ...good, url: 42 as unknown as string },
      null as unknown as SignedRequest,
    ];
    for (const request of malformed) {
      expect(await rejection(service.verify(BOT, config, request))).toMatchObject({ code: 'invalid_request', status: 400 });
    }
    const relative = { method: 'GET', url: 'http://[::1', headers: {}, body: Buffer.alloc(0) };
    const meta = webhook({ scheme: 'meta', verifyToken: 'x' });
    expect((await rejection(service.verify(BOT, meta, relative)))).toMatchObject({ code: 'invalid_request' });
  });

  it('refuses a client outside allowIps with 403 without consulting the verifier', async () => {
    const { service, verifier } = scripted({ secretId: 'config-0' });
    const pinned = webhook({ scheme: 'hmac', header: 'x-sig', allowIps: ['10.0.0.0/8', '2001:db8::/32'] });
    expect(await rejection(service.verify(BOT, pinned, post({}, BODY), '192.0.2.1'))).toMatchObject({ code: 'ip_not_allowed', status: 403 });
    expect(verifier.calls).toBe(0);
    await expect(service.verify(BOT, pinned, post({}, BODY), '10.1.2.3')).resolves.toMatchObject({ valid: true });
    await expect(service.verify(BOT, pinned, post({}, BODY), '::ffff:10.9.9.9')).resolves.toMatchObject({ valid: true });
    await expect(service.verify(BOT, pinned, post({}, BODY), '2001:db8::7')).resolves.toMatchObject({ valid: true });
    await expect(service.verify(BOT, scriptedConfig, post({}, BODY))).resolves.toMatchObject({ valid: true });
  });

  it('fails with webhook_misconfigured for a scheme without a verifier', async () => {
    const { service } = scripted({ secretId: 'x' });
    expect(await rejection(service.verify(BOT, webhook({ scheme: 'slack' }), post({}, BODY)))).toMatchObject({
      code: 'webhook_misconfigured',
      status: 500,
    });
  });

  it('checks the timestamp window on both sides, edges included', async () => {
    for (const [timestamp, ok] of [
      [NOW - 300, true],
      [NOW + 300, true],
      [NOW - 301, false],
      [NOW + 301, false],
    ] as const) {
      const { service } = scripted({ secretId: 'config-0', timestamp });
      const outcome = service.verify(BOT, scriptedConfig, post({}, BODY));
      if (ok) await expect(outcome).resolves.toMatchObject({ valid: true });
      else expect((await rejection(outcome)).code).toBe('timestamp_invalid');
    }
  });

  it('does not let a forged request burn the id of a real one', async () => {
    const { service, store } = harness(configSecrets(SECRET), NOW);
    const deduping = webhook({ scheme: 'chatbase', replay: { dedupeBodyHash: true } });
    expect((await rejection(service.verify(BOT, deduping, chatbase(BODY, 'forger'))))).toMatchObject({ code: 'signature_invalid' });
    expect(store.size).toBe(0);
    await expect(service.verify(BOT, deduping, chatbase(BODY))).resolves.toMatchObject({ valid: true });
  });

  it('keeps replay ids per bot, for windowSeconds, and not at all when disabled', async () => {
    const { service, setNow } = scripted({ secretId: 'config-0', eventId: 'evt-1' });
    const windowed = webhook({ scheme: 'hmac', header: 'x-sig', replay: { windowSeconds: 60 } });
    await service.verify(BOT, windowed, post({}, BODY));
    expect((await rejection(service.verify(BOT, windowed, post({}, BODY)))).code).toBe('replayed');
    setNow(NOW + 60);
    await expect(service.verify(BOT, windowed, post({}, BODY))).resolves.toMatchObject({ eventId: 'evt-1' });
    await expect(service.verify('another-bot', windowed, post({}, BODY))).resolves.toMatchObject({ valid: true });
    const off = webhook({ scheme: 'hmac', header: 'x-sig', replay: { enabled: false } });
    await service.verify(BOT, off, post({}, BODY));
    await expect(service.verify(BOT, off, post({}, BODY))).resolves.toMatchObject({ valid: true });
  });

  it('hands out a claim per recorded delivery id; releasing it lets the same delivery through once more, an old claim releases nothing', async () => {
    const { service, store } = scripted({ secretId: 'config-0', eventId: 'evt-release' });
    const claims: Array<{ key: string; value: string; expiresAt: number }> = [];
    await service.verify(BOT, scriptedConfig, post({}, BODY), undefined, (claim) => claims.push(claim));
    expect(claims).toHaveLength(1);
    expect(claims[0].key).toBe(`replay:${BOT}:id:evt-release`);
    expect((await rejection(service.verify(BOT, scriptedConfig, post({}, BODY)))).code).toBe('replayed');

    await expect(service.release(claims[0])).resolves.toBe(true);
    await service.verify(BOT, scriptedConfig, post({}, BODY), undefined, (claim) => claims.push(claim));
    expect(claims[1].value).not.toBe(claims[0].value);
    // The first claim is spent: releasing it again must not free the second delivery's record.
    await expect(service.release(claims[0])).resolves.toBe(false);
    expect(await store.get(claims[1].key)).toBe(claims[1].value);
    expect((await rejection(service.verify(BOT, scriptedConfig, post({}, BODY)))).code).toBe('replayed');
  });

  it('stores very long event ids by hash', async () => {
    const { service, store } = scripted({ secretId: 'config-0', eventId: 'e'.repeat(5000) });
    await service.verify(BOT, scriptedConfig, post({}, BODY));
    expect((await rejection(service.verify(BOT, scriptedConfig, post({}, BODY)))).code).toBe('replayed');
    expect(await store.get(`replay:${BOT}:id:${'e'.repeat(5000)}`)).toBeNull();
  });

  it('lets store failures through so callers fail closed', async () => {
    const { service, store } = scripted({ secretId: 'config-0', eventId: 'evt-1' });
    await store.close();
    await expect(service.verify(BOT, scriptedConfig, post({}, BODY))).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('passes verifier errors through unchanged', async () => {
    const failure = new Error('boom');
    const { service } = scripted(failure);
    await expect(service.verify(BOT, scriptedConfig, post({}, BODY))).rejects.toBe(failure);
  });

  it('awaits an asynchronous secret source', async () => {
    const { store } = harness([], NOW);
    const asyncSource = { secretsFor: async () => configSecrets(SECRET) };
    const service = new SignatureService(createVerifierRegistry(), asyncSource, store, () => new Date(NOW * 1000));
    await expect(service.verify(BOT, config, chatbase(BODY))).resolves.toMatchObject({ secretId: 'config-0' });
  });
});
