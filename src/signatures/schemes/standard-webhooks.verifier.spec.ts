import { createPrivateKey, createPublicKey, sign as edSign } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { BOT, configSecrets, harness, post, rejection, tamper, webhook } from '../testing/verifier-kit.js';

// Published vectors of the Standard Webhooks reference libraries
// (github.com/standard-webhooks/standard-webhooks, libraries/go/
// webhook_symmetric_test.go TestSymmetricWebhookSign and
// webhook_asymmetric_test.go TestAsymmetricWebhookSign).
const MSG_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = 1614265330;
const PAYLOAD = '{"test": 2432232314}';
const V1_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const V1_SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const V1A_SEED = 'VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=';
const V1A_SIGNATURE = 'v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==';

// The Ed25519 key pair of the Go vector: PKCS#8 wrapping of the 32-byte seed (RFC 8410 §7).
const v1aPrivateKey = createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(V1A_SEED, 'base64')]),
  format: 'der',
  type: 'pkcs8',
});
const rawPublicKey = createPublicKey(v1aPrivateKey).export({ format: 'der', type: 'spki' }).subarray(12);
const V1A_PUBLIC = `whpk_${rawPublicKey.toString('base64')}`;

const config = webhook({ scheme: 'standard-webhooks' });

function headers(signature: string, id = MSG_ID, timestamp: string = String(TIMESTAMP)) {
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
}

describe('standard-webhooks verifier', () => {
  it('accepts the published v1 (HMAC-SHA256) vector and reports the webhook-id', async () => {
    const { service } = harness(configSecrets(V1_SECRET), TIMESTAMP);
    await expect(service.verify(BOT, config, post(headers(V1_SIGNATURE), PAYLOAD))).resolves.toEqual({
      valid: true,
      scheme: 'standard-webhooks',
      secretId: 'config-0',
      eventId: MSG_ID,
    });
  });

  it('accepts the published v1a (Ed25519) vector with the whpk_ public key', async () => {
    const { service } = harness(configSecrets(V1A_PUBLIC), TIMESTAMP);
    await expect(service.verify(BOT, config, post(headers(V1A_SIGNATURE), PAYLOAD))).resolves.toMatchObject({ secretId: 'config-0' });
  });

  it('accepts what the standardwebhooks npm package signs', async () => {
    const now = 1_700_000_000;
    const signer = new Webhook('whsec_' + Buffer.from('a-fresh-32-byte-secret-for-tests').toString('base64'));
    const body = '{"type":"contact.created","data":{"id":"1f81eb52"}}';
    const signature = signer.sign('msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', new Date(now * 1000), body);
    const { service } = harness(configSecrets('whsec_' + Buffer.from('a-fresh-32-byte-secret-for-tests').toString('base64')), now);
    await expect(
      service.verify(BOT, config, post(headers(signature, 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', String(now)), body)),
    ).resolves.toMatchObject({ valid: true, eventId: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' });
  });

  it('finds the valid one among several space-separated signatures', async () => {
    const { service } = harness(configSecrets(V1_SECRET), TIMESTAMP);
    const many = ['v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=', 'v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=', V1_SIGNATURE, 'garbage'].join(' ');
    await expect(service.verify(BOT, config, post(headers(many), PAYLOAD))).resolves.toMatchObject({ valid: true });
  });

  it('refuses a tampered body for both versions', async () => {
    const v1 = harness(configSecrets(V1_SECRET), TIMESTAMP).service;
    const v1a = harness(configSecrets(V1A_PUBLIC), TIMESTAMP).service;
    expect((await rejection(v1.verify(BOT, config, post(headers(V1_SIGNATURE), tamper(PAYLOAD, 3))))).code).toBe('signature_invalid');
    expect((await rejection(v1a.verify(BOT, config, post(headers(V1A_SIGNATURE), tamper(PAYLOAD, 3))))).code).toBe('signature_invalid');
  });

  it('refuses another secret, a v1 signature checked against a v1a key and the other way round', async () => {
    const other = harness(configSecrets('whsec_' + Buffer.from('some-other-secret').toString('base64')), TIMESTAMP).service;
    expect((await rejection(other.verify(BOT, config, post(headers(V1_SIGNATURE), PAYLOAD)))).code).toBe('signature_invalid');
    const keyOnly = harness(configSecrets(V1A_PUBLIC), TIMESTAMP).service;
    expect((await rejection(keyOnly.verify(BOT, config, post(headers(V1_SIGNATURE), PAYLOAD)))).code).toBe('signature_invalid');
    const secretOnly = harness(configSecrets(V1_SECRET), TIMESTAMP).service;
    expect((await rejection(secretOnly.verify(BOT, config, post(headers(V1A_SIGNATURE), PAYLOAD)))).code).toBe('signature_invalid');
  });

  it('refuses the signature moved to another message id (the id is signed)', async () => {
    const { service } = harness(configSecrets(V1_SECRET), TIMESTAMP);
    expect((await rejection(service.verify(BOT, config, post(headers(V1_SIGNATURE, 'msg_other'), PAYLOAD)))).code).toBe('signature_invalid');
  });

  it('reports each missing header as signature_missing', async () => {
    const { service } = harness(configSecrets(V1_SECRET), TIMESTAMP);
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const partial: Record<string, string> = headers(V1_SIGNATURE);
      delete partial[name];
      expect((await rejection(service.verify(BOT, config, post(partial, PAYLOAD)))).code).toBe('signature_missing');
    }
  });

  it('refuses stale, future and unparsable timestamps', async () => {
    const stale = harness(configSecrets(V1_SECRET), TIMESTAMP + 301).service;
    expect((await rejection(stale.verify(BOT, config, post(headers(V1_SIGNATURE), PAYLOAD)))).code).toBe('timestamp_invalid');
    const future = harness(configSecrets(V1_SECRET), TIMESTAMP - 301).service;
    expect((await rejection(future.verify(BOT, config, post(headers(V1_SIGNATURE), PAYLOAD)))).code).toBe('timestamp_invalid');
    const now = harness(configSecrets(V1_SECRET), TIMESTAMP).service;
    for (const bad of ['', 'abc', '1614265330.0', '2021-02-25T15:02:10Z']) {
      const error = await rejection(now.verify(BOT, config, post(headers(V1_SIGNATURE, MSG_ID, bad), PAYLOAD)));
      expect(error.code).toBe(bad === '' ? 'signature_missing' : 'timestamp_invalid');
    }
  });

  it('rejects a replayed webhook-id, even after the first was accepted on another message', async () => {
    const { service, setNow } = harness(configSecrets(V1_SECRET), TIMESTAMP);
    await service.verify(BOT, config, post(headers(V1_SIGNATURE), PAYLOAD));
    setNow(TIMESTAMP + 60);
    expect(await rejection(service.verify(BOT, config, post(headers(V1_SIGNATURE), PAYLOAD)))).toMatchObject({
      code: 'replayed',
      status: 401,
    });
  });

  it('remembers ids for the whole acceptance window and forgets them after it', async () => {
    const { service, setNow } = harness(configSecrets(V1_SECRET), TIMESTAMP - 300);
    await service.verify(BOT, config, post(headers(V1_SIGNATURE), PAYLOAD));
    setNow(TIMESTAMP + 300);
    expect((await rejection(service.verify(BOT, config, post(headers(V1_SIGNATURE), PAYLOAD)))).code).toBe('replayed');
    setNow(TIMESTAMP + 301);
    expect((await rejection(service.verify(BOT, config, post(headers(V1_SIGNATURE), PAYLOAD)))).code).toBe('timestamp_invalid');
  });

  it('tries every live secret, of both kinds (rotation)', async () => {
    const { service } = harness(configSecrets('whsec_' + Buffer.from('retiring-secret').toString('base64'), V1A_PUBLIC, V1_SECRET), TIMESTAMP);
    await expect(service.verify(BOT, config, post(headers(V1_SIGNATURE), PAYLOAD))).resolves.toMatchObject({ secretId: 'config-2' });
    const second = harness(configSecrets(V1_SECRET, V1A_PUBLIC), TIMESTAMP).service;
    await expect(second.verify(BOT, config, post(headers(V1A_SIGNATURE), PAYLOAD))).resolves.toMatchObject({ secretId: 'config-1' });
  });

  it('signs with the seed as the Go library does (cross-check of the derived public key)', () => {
    const content = Buffer.from(`${MSG_ID}.${TIMESTAMP}.${PAYLOAD}`);
    expect(`v1a,${edSign(null, content, v1aPrivateKey).toString('base64')}`).toBe(V1A_SIGNATURE);
  });

  it('refuses an id containing "." (the signed-content delimiter)', async () => {
    const id = 'msg.1';
    const signer = new Webhook(V1_SECRET);
    const signature = signer.sign(id, new Date(TIMESTAMP * 1000), PAYLOAD);
    const { service } = harness(configSecrets(V1_SECRET), TIMESTAMP);
    expect((await rejection(service.verify(BOT, config, post(headers(signature, id), PAYLOAD)))).code).toBe('signature_invalid');
  });

  it('fails closed when no live secret is usable', async () => {
    const { service } = harness(configSecrets('whpk_tooshort'), TIMESTAMP);
    expect((await rejection(service.verify(BOT, config, post(headers(V1_SIGNATURE), PAYLOAD)))).code).toBe('webhook_misconfigured');
  });

  describe('svix-* header names (senders hosted by Svix)', () => {
    const SECRET = 'whsec_' + Buffer.from('another-32-byte-secret-for-svix!').toString('base64');
    const NOW = 1_700_000_000;
    const MSG = 'msg_2LJ1T9Qy0dRpYzUoR8mWd3kXq7b';
    const BODY = '{"type":"message.created","data":{"conversation":"c_81"}}';
    const svixHeaders = (signature: string, id = MSG, timestamp = String(NOW)) => ({
      'svix-id': id,
      'svix-timestamp': timestamp,
      'svix-signature': signature,
    });
    const signed = (id = MSG, body = BODY): string => new SvixWebhook(SECRET).sign(id, new Date(NOW * 1000), body);

    it('accepts what the svix package signs, sent under svix-* names, and svix itself accepts the same request', async () => {
      // svix's verify checks the timestamp against the real clock, so this one delivery is made now.
      const now = Math.floor(Date.now() / 1000);
      const signature = new SvixWebhook(SECRET).sign(MSG, new Date(now * 1000), BODY);
      expect(new SvixWebhook(SECRET).verify(BODY, svixHeaders(signature, MSG, String(now)))).toEqual(JSON.parse(BODY));
      const { service } = harness(configSecrets(SECRET), now);
      await expect(service.verify(BOT, config, post(svixHeaders(signature, MSG, String(now)), BODY))).resolves.toEqual({
        valid: true,
        scheme: 'standard-webhooks',
        secretId: 'config-0',
        eventId: MSG,
      });
    });

    it('accepts the published v1 vector under svix-* names (header names in any case)', async () => {
      const { service } = harness(configSecrets(V1_SECRET), TIMESTAMP);
      const named = { 'Svix-Id': MSG_ID, 'Svix-Timestamp': String(TIMESTAMP), 'Svix-Signature': V1_SIGNATURE };
      await expect(service.verify(BOT, config, post(named, PAYLOAD))).resolves.toMatchObject({ valid: true, eventId: MSG_ID });
    });

    it('refuses a tampered body, another secret and a stale timestamp under svix-* names', async () => {
      const { service, setNow } = harness(configSecrets(SECRET), NOW);
      expect((await rejection(service.verify(BOT, config, post(svixHeaders(signed()), tamper(BODY, 3))))).code).toBe('signature_invalid');
      const other = harness(configSecrets(V1_SECRET), NOW);
      expect((await rejection(other.service.verify(BOT, config, post(svixHeaders(signed()), BODY)))).code).toBe('signature_invalid');
      setNow(NOW + 3600);
      expect((await rejection(service.verify(BOT, config, post(svixHeaders(signed()), BODY)))).code).toBe('timestamp_invalid');
    });

    it('accepts both sets when they agree, refuses them when they differ', async () => {
      const { service } = harness(configSecrets(SECRET), NOW);
      const signature = signed();
      await expect(service.verify(BOT, config, post({ ...svixHeaders(signature), ...headers(signature, MSG, String(NOW)) }, BODY))).resolves.toMatchObject({
        valid: true,
      });
      // A valid svix-* set beside a webhook-* set naming another message.
      const otherId = 'msg_other';
      const differing = { ...svixHeaders(signature), ...headers(signed(otherId), otherId, String(NOW)) };
      expect((await rejection(service.verify(BOT, config, post(differing, BODY)))).code).toBe('signature_invalid');
    });

    it('never mixes the sets: an id from one and a signature from the other is refused', async () => {
      const { service } = harness(configSecrets(SECRET), NOW);
      const mixed = { 'svix-id': MSG, 'svix-signature': signed(), 'webhook-timestamp': String(NOW) };
      expect((await rejection(service.verify(BOT, config, post(mixed, BODY)))).code).toBe('signature_missing');
      const partial = { 'svix-id': MSG, 'svix-timestamp': String(NOW) };
      expect(await rejection(service.verify(BOT, config, post(partial, BODY)))).toMatchObject({ code: 'signature_missing' });
    });

    it('one replay id whichever names carry it', async () => {
      const { service } = harness(configSecrets(SECRET), NOW);
      const signature = signed();
      await service.verify(BOT, config, post(headers(signature, MSG, String(NOW)), BODY));
      expect((await rejection(service.verify(BOT, config, post(svixHeaders(signature), BODY)))).code).toBe('replayed');
    });
  });
});
