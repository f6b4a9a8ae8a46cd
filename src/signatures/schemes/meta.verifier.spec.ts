import { createHmac } from 'node:crypto';
import type { SignedRequest } from '../signature-verifier.js';
import { BOT, configSecrets, harness, post, rejection, tamper, webhook } from '../testing/verifier-kit.js';

// Meta publishes no signature vector; requests are signed as described in
// developers.facebook.com/docs/graph-api/webhooks/getting-started
// ("Validating payloads": sha256= + hex HMAC-SHA256 of the payload with the
// App Secret). The verification request uses the page's sample values.
const APP_SECRET = 'meta-app-secret';
const BODY = '{"object":"page","entry":[{"id":"0","time":1700000000,"changes":[{"field":"feed","value":{"message":"h\u00e9"}}]}]}';
const NOW = 1_700_000_000;
const config = webhook({ scheme: 'meta', verifyToken: 'meatyhamhock' });

function sign(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function subscription(query: string): SignedRequest {
  return { method: 'GET', url: `https://bot.example.com/webhooks/meta?${query}`, headers: {}, body: Buffer.alloc(0) };
}

describe('meta verifier', () => {
  it('accepts a payload signed with the App Secret', async () => {
    const { service } = harness(configSecrets(APP_SECRET), NOW);
    await expect(service.verify(BOT, config, post({ 'X-Hub-Signature-256': sign(APP_SECRET, BODY) }, BODY))).resolves.toEqual({
      valid: true,
      scheme: 'meta',
      secretId: 'config-0',
    });
  });

  it('refuses a tampered payload, another secret, and a missing or unprefixed header', async () => {
    const { service } = harness(configSecrets(APP_SECRET), NOW);
    expect((await rejection(service.verify(BOT, config, post({ 'x-hub-signature-256': sign(APP_SECRET, BODY) }, tamper(BODY, 5))))).code).toBe(
      'signature_invalid',
    );
    expect((await rejection(service.verify(BOT, config, post({ 'x-hub-signature-256': sign('other', BODY) }, BODY)))).code).toBe(
      'signature_invalid',
    );
    const unprefixed = sign(APP_SECRET, BODY).slice('sha256='.length);
    expect((await rejection(service.verify(BOT, config, post({ 'x-hub-signature-256': unprefixed }, BODY)))).code).toBe(
      'signature_invalid',
    );
    expect((await rejection(service.verify(BOT, config, post({ 'x-hub-signature': 'sha1=00' }, BODY)))).code).toBe('signature_missing');
  });

  it('tries every live secret (rotation)', async () => {
    const { service } = harness(configSecrets('old-app-secret', APP_SECRET), NOW);
    await expect(service.verify(BOT, config, post({ 'x-hub-signature-256': sign(APP_SECRET, BODY) }, BODY))).resolves.toMatchObject({
      secretId: 'config-1',
    });
  });

  it('rejects a replay when dedupeBodyHash is on', async () => {
    const { service } = harness(configSecrets(APP_SECRET), NOW);
    const deduping = webhook({ scheme: 'meta', replay: { dedupeBodyHash: true } });
    const request = post({ 'x-hub-signature-256': sign(APP_SECRET, BODY) }, BODY);
    await service.verify(BOT, deduping, request);
    expect((await rejection(service.verify(BOT, deduping, request))).code).toBe('replayed');
  });

  it('answers the documented verification request with hub.challenge', async () => {
    const { service } = harness(configSecrets(APP_SECRET), NOW);
    const request = subscription('hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock');
    await expect(service.verify(BOT, config, request)).resolves.toEqual({
      valid: true,
      scheme: 'meta',
      secretId: 'verify-token',
      challenge: '1158201444',
    });
    // Meta repeats the check whenever the subscription is edited.
    await expect(service.verify(BOT, webhook({ ...config, replay: { dedupeBodyHash: true } }), request)).resolves.toMatchObject({
      challenge: '1158201444',
    });
  });

  it('refuses a verification request with the wrong token, or the App Secret as token', async () => {
    const { service } = harness(configSecrets(APP_SECRET), NOW);
    for (const token of ['wrong', APP_SECRET]) {
      const error = await rejection(service.verify(BOT, config, subscription(`hub.mode=subscribe&hub.challenge=1&hub.verify_token=${token}`)));
      expect(error.code).toBe('signature_invalid');
    }
  });

  it('reports an incomplete verification request as signature_missing, a repeated parameter as invalid', async () => {
    const { service } = harness(configSecrets(APP_SECRET), NOW);
    expect((await rejection(service.verify(BOT, config, subscription('hub.mode=subscribe&hub.challenge=1')))).code).toBe('signature_missing');
    expect((await rejection(service.verify(BOT, config, subscription('hub.challenge=1&hub.verify_token=meatyhamhock')))).code).toBe(
      'signature_missing',
    );
    const repeated = 'hub.mode=subscribe&hub.challenge=1&hub.verify_token=x&hub.verify_token=meatyhamhock';
    expect((await rejection(service.verify(BOT, config, subscription(repeated)))).code).toBe('signature_invalid');
  });

  it('fails closed on a verification request when no verifyToken is configured', async () => {
    const { service } = harness(configSecrets(APP_SECRET), NOW);
    const error = await rejection(
      service.verify(BOT, webhook({ scheme: 'meta' }), subscription('hub.mode=subscribe&hub.challenge=1&hub.verify_token=x')),
    );
    expect(error.code).toBe('webhook_misconfigured');
  });
});
