import { createHmac } from 'node:crypto';
import { BOT, configSecrets, harness, post, rejection, tamper, webhook } from '../testing/verifier-kit.js';

// A generic vendor configured as: X-Signature: sha512=<base64>, signed over
// "{id}.{timestamp}.{body}" with X-Webhook-Id and X-Timestamp headers.
const SECRET = 'generic-secret';
const NOW = 1_700_000_000;
const BODY = '{"event":"order.created"}';
const config = webhook({
  scheme: 'hmac',
  header: 'X-Signature',
  algorithm: 'sha512',
  encoding: 'base64',
  prefix: 'sha512=',
  timestampHeader: 'X-Timestamp',
  idHeader: 'X-Webhook-Id',
  payload: '{id}.{timestamp}.{body}',
});

function sign(secret: string, id: string, timestamp: string, body: string | Buffer): string {
  return `sha512=${createHmac('sha512', secret).update(`${id}.${timestamp}.`).update(body).digest('base64')}`;
}

function headers(id = 'evt_1', timestamp = String(NOW), signature = sign(SECRET, id, timestamp, BODY)) {
  return { 'x-signature': signature, 'x-timestamp': timestamp, 'x-webhook-id': id };
}

describe('hmac verifier', () => {
  it('accepts a request signed as configured and reports the signed id', async () => {
    const { service } = harness(configSecrets(SECRET), NOW);
    await expect(service.verify(BOT, config, post(headers(), BODY))).resolves.toEqual({
      valid: true,
      scheme: 'hmac',
      secretId: 'config-0',
      eventId: 'evt_1',
    });
  });

  it('works with the defaults: sha256, hex, no prefix, payload {body}', async () => {
    const simple = webhook({ scheme: 'hmac', header: 'x-sig' });
    const { service } = harness(configSecrets(SECRET), NOW);
    const signature = createHmac('sha256', SECRET).update(BODY).digest('hex');
    await expect(service.verify(BOT, simple, post({ 'X-Sig': signature }, BODY))).resolves.toMatchObject({ valid: true });
  });

  it('builds {method} and {url} into the signed bytes', async () => {
    const bound = webhook({ scheme: 'hmac', header: 'x-sig', payload: '{method} {url}\n{body}' });
    const { service } = harness(configSecrets(SECRET), NOW);
    const url = 'https://auth.example.com/hook?x=1';
    const signature = createHmac('sha256', SECRET).update(`POST ${url}\n${BODY}`).digest('hex');
    await expect(service.verify(BOT, bound, post({ 'x-sig': signature }, BODY, url))).resolves.toMatchObject({ valid: true });
    expect((await rejection(service.verify(BOT, bound, post({ 'x-sig': signature }, BODY, `${url}&y=2`)))).code).toBe('signature_invalid');
    expect((await rejection(service.verify(BOT, bound, post({ 'x-sig': signature }, BODY)))).code).toBe('invalid_request');
  });

  it('refuses a tampered body, another secret, a moved id and a missing prefix', async () => {
    const { service } = harness(configSecrets(SECRET), NOW);
    expect((await rejection(service.verify(BOT, config, post(headers(), tamper(BODY, 4))))).code).toBe('signature_invalid');
    const foreign = headers('evt_1', String(NOW), sign('other', 'evt_1', String(NOW), BODY));
    expect((await rejection(service.verify(BOT, config, post(foreign, BODY)))).code).toBe('signature_invalid');
    const moved = { ...headers(), 'x-webhook-id': 'evt_2' };
    expect((await rejection(service.verify(BOT, config, post(moved, BODY)))).code).toBe('signature_invalid');
    const unprefixed = { ...headers(), 'x-signature': headers()['x-signature'].slice('sha512='.length) };
    expect((await rejection(service.verify(BOT, config, post(unprefixed, BODY)))).code).toBe('signature_invalid');
  });

  it('reports each missing header as signature_missing', async () => {
    const { service } = harness(configSecrets(SECRET), NOW);
    for (const name of ['x-signature', 'x-timestamp', 'x-webhook-id'] as const) {
      const partial: Record<string, string> = headers();
      delete partial[name];
      expect((await rejection(service.verify(BOT, config, post(partial, BODY)))).code).toBe('signature_missing');
    }
  });

  it('refuses stale and unparsable timestamps', async () => {
    const stale = harness(configSecrets(SECRET), NOW + 301).service;
    expect((await rejection(stale.verify(BOT, config, post(headers(), BODY)))).code).toBe('timestamp_invalid');
    const { service } = harness(configSecrets(SECRET), NOW);
    for (const bad of ['now', '17e8', ' ', '1700000000000000000000']) {
      const error = await rejection(service.verify(BOT, config, post(headers('evt_1', bad), BODY)));
      expect(error.code).toBe(bad.trim() === '' ? 'signature_missing' : 'timestamp_invalid');
    }
  });

  it('reads millisecond and RFC 3339 timestamps when configured', async () => {
    const { service } = harness(configSecrets(SECRET), NOW);
    const ms = webhook({ ...config, timestampFormat: 'unix-ms' });
    await expect(service.verify(BOT, ms, post(headers('evt_ms', String(NOW * 1000)), BODY))).resolves.toMatchObject({ valid: true });
    const iso = webhook({ ...config, timestampFormat: 'iso8601' });
    const date = new Date(NOW * 1000).toISOString();
    await expect(service.verify(BOT, iso, post(headers('evt_iso', date), BODY))).resolves.toMatchObject({ valid: true });
  });

  it('rejects a replayed id', async () => {
    const { service } = harness(configSecrets(SECRET), NOW);
    await service.verify(BOT, config, post(headers(), BODY));
    expect((await rejection(service.verify(BOT, config, post(headers(), BODY)))).code).toBe('replayed');
    await expect(service.verify(BOT, config, post(headers('evt_2'), BODY))).resolves.toMatchObject({ eventId: 'evt_2' });
  });

  it('tries every live secret (rotation)', async () => {
    const { service } = harness(configSecrets('old', SECRET), NOW);
    await expect(service.verify(BOT, config, post(headers(), BODY))).resolves.toMatchObject({ secretId: 'config-1' });
  });
});
