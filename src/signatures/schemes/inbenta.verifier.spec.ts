import { BOT, configSecrets, harness, post, rejection, webhook } from '../testing/verifier-kit.js';

// Inbenta action webhooks carry no signature (VENDORS.md); chatwarden pins the
// caller with a shared header and/or Basic auth, plus Inbenta's egress IP.
const NOW = 1_700_000_000;
const BODY = 'user_token=tok&sessionId=abc123';
const config = webhook({ scheme: 'inbenta', tokenHeader: 'X-Inbenta-Webhook-Key', allowIps: ['203.0.113.10/32'] });

describe('inbenta verifier', () => {
  it('accepts the shared header from the allowed address', async () => {
    const { service } = harness(configSecrets('shared-key'), NOW);
    await expect(service.verify(BOT, config, post({ 'x-inbenta-webhook-key': 'shared-key' }, BODY), '203.0.113.10')).resolves.toEqual({
      valid: true,
      scheme: 'inbenta',
      secretId: 'config-0',
    });
  });

  it('refuses any other address, or no address, with 403 before looking at credentials', async () => {
    const { service } = harness(configSecrets('shared-key'), NOW);
    for (const ip of ['203.0.113.11', undefined, 'garbage']) {
      expect(await rejection(service.verify(BOT, config, post({ 'x-inbenta-webhook-key': 'shared-key' }, BODY), ip))).toMatchObject({
        code: 'ip_not_allowed',
        status: 403,
      });
    }
  });

  it('refuses a wrong key and reports a missing one', async () => {
    const { service } = harness(configSecrets('shared-key'), NOW);
    expect((await rejection(service.verify(BOT, config, post({ 'x-inbenta-webhook-key': 'shared-kez' }, BODY), '203.0.113.10'))).code).toBe(
      'signature_invalid',
    );
    expect((await rejection(service.verify(BOT, config, post({}, BODY), '203.0.113.10'))).code).toBe('signature_missing');
  });

  it('tries every live key (rotation)', async () => {
    const { service } = harness(configSecrets('old-key', 'new-key'), NOW);
    await expect(service.verify(BOT, config, post({ 'x-inbenta-webhook-key': 'new-key' }, BODY), '203.0.113.10')).resolves.toMatchObject({
      secretId: 'config-1',
    });
  });

  it('fails closed when the token header is configured but no key is live', async () => {
    const { service } = harness([], NOW);
    expect((await rejection(service.verify(BOT, config, post({ 'x-inbenta-webhook-key': 'x' }, BODY), '203.0.113.10'))).code).toBe(
      'webhook_misconfigured',
    );
  });

  it('accepts Basic auth instead of a header', async () => {
    const basicOnly = webhook({ scheme: 'inbenta', basicAuth: { username: 'inbenta', password: 'pw' } });
    const { service } = harness([], NOW);
    const authorization = `basic ${Buffer.from('inbenta:pw').toString('base64')}`;
    await expect(service.verify(BOT, basicOnly, post({ Authorization: authorization }, BODY))).resolves.toMatchObject({
      secretId: 'basic-auth',
    });
  });

  it('rejects a replay when dedupeBodyHash is on', async () => {
    const { service } = harness(configSecrets('shared-key'), NOW);
    const deduping = webhook({ ...config, replay: { dedupeBodyHash: true } });
    const request = post({ 'x-inbenta-webhook-key': 'shared-key' }, BODY);
    await service.verify(BOT, deduping, request, '203.0.113.10');
    expect((await rejection(service.verify(BOT, deduping, request, '203.0.113.10'))).code).toBe('replayed');
  });
});
