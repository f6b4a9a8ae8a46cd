import { createHmac } from 'node:crypto';
import { BOT, configSecrets, harness, post, rejection, tamper, webhook } from '../testing/verifier-kit.js';

// Intercom publishes no vector; notifications are signed as its developer
// docs describe ("Signed notifications": X-Hub-Signature: sha1= + hex
// HMAC-SHA1 of the body with the app's client secret).
const CLIENT_SECRET = 'intercom-client-secret';
const BODY = '{"type":"notification_event","topic":"conversation.user.created","id":"notif_1","data":{"item":{}}}';
const NOW = 1_700_000_000;
const config = webhook({ scheme: 'intercom' });

function sign(secret: string, body: string | Buffer): string {
  return `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
}

describe('intercom verifier', () => {
  it('accepts a signed notification', async () => {
    const { service } = harness(configSecrets(CLIENT_SECRET), NOW);
    await expect(service.verify(BOT, config, post({ 'X-Hub-Signature': sign(CLIENT_SECRET, BODY) }, BODY))).resolves.toEqual({
      valid: true,
      scheme: 'intercom',
      secretId: 'config-0',
    });
  });

  it('refuses a tampered body, another secret and a sha256= signature', async () => {
    const { service } = harness(configSecrets(CLIENT_SECRET), NOW);
    expect((await rejection(service.verify(BOT, config, post({ 'x-hub-signature': sign(CLIENT_SECRET, BODY) }, tamper(BODY, 9))))).code).toBe(
      'signature_invalid',
    );
    expect((await rejection(service.verify(BOT, config, post({ 'x-hub-signature': sign('nope', BODY) }, BODY)))).code).toBe(
      'signature_invalid',
    );
    const sha256 = `sha256=${createHmac('sha256', CLIENT_SECRET).update(BODY).digest('hex')}`;
    expect((await rejection(service.verify(BOT, config, post({ 'x-hub-signature': sha256 }, BODY)))).code).toBe('signature_invalid');
  });

  it('reports a missing header as signature_missing', async () => {
    const { service } = harness(configSecrets(CLIENT_SECRET), NOW);
    expect((await rejection(service.verify(BOT, config, post({}, BODY)))).code).toBe('signature_missing');
  });

  it('tries every live secret (rotation)', async () => {
    const { service } = harness(configSecrets('retiring', CLIENT_SECRET), NOW);
    await expect(service.verify(BOT, config, post({ 'x-hub-signature': sign(CLIENT_SECRET, BODY) }, BODY))).resolves.toMatchObject({
      secretId: 'config-1',
    });
  });

  it('rejects a replay when dedupeBodyHash is on', async () => {
    const { service } = harness(configSecrets(CLIENT_SECRET), NOW);
    const deduping = webhook({ scheme: 'intercom', replay: { dedupeBodyHash: true } });
    const request = post({ 'x-hub-signature': sign(CLIENT_SECRET, BODY) }, BODY);
    await service.verify(BOT, deduping, request);
    expect((await rejection(service.verify(BOT, deduping, request))).code).toBe('replayed');
  });
});
