import { BOT, configSecrets, harness, post, rejection, webhook } from '../testing/verifier-kit.js';

// inGenious AI: the integration's access token as a Bearer token (how it
// authenticates calls to us is unconfirmed; see the verifier's header).
const NOW = 1_700_000_000;
const BODY = JSON.stringify({
  app: { teamId: 't', botId: 'b' },
  webhook: { id: 'w', version: 1 },
  events: [{ id: 'e1', timestamp: NOW, type: 'message', payload: { conversation: { id: 'c1' } } }],
});
const config = webhook({ scheme: 'ingenious' });

describe('ingenious verifier', () => {
  it('accepts the Bearer token, whatever the case of the scheme name', async () => {
    const { service } = harness(configSecrets('access-token-1'), NOW);
    await expect(service.verify(BOT, config, post({ Authorization: 'Bearer access-token-1' }, BODY))).resolves.toEqual({
      valid: true,
      scheme: 'ingenious',
      secretId: 'config-0',
    });
    await expect(service.verify(BOT, config, post({ authorization: 'bearer access-token-1' }, BODY))).resolves.toMatchObject({
      valid: true,
    });
  });

  it('refuses a wrong token, a prefix of the token and non-Bearer credentials', async () => {
    const { service } = harness(configSecrets('access-token-1'), NOW);
    for (const value of ['Bearer access-token-2', 'Bearer access-token-', 'Basic YTpi', 'access-token-1', 'Bearer a b']) {
      expect((await rejection(service.verify(BOT, config, post({ authorization: value }, BODY)))).code).toBe('signature_invalid');
    }
  });

  it('reports a missing Authorization header as signature_missing', async () => {
    const { service } = harness(configSecrets('access-token-1'), NOW);
    expect((await rejection(service.verify(BOT, config, post({}, BODY)))).code).toBe('signature_missing');
  });

  it('tries every live token and the token option (rotation)', async () => {
    const { service } = harness(configSecrets('access-token-1', 'access-token-2'), NOW);
    await expect(service.verify(BOT, config, post({ authorization: 'Bearer access-token-2' }, BODY))).resolves.toMatchObject({
      secretId: 'config-1',
    });
    const withOption = webhook({ scheme: 'ingenious', token: 'from-config' });
    await expect(service.verify(BOT, withOption, post({ authorization: 'Bearer from-config' }, BODY))).resolves.toMatchObject({
      secretId: 'token',
    });
  });

  it('rejects a replay when dedupeBodyHash is on', async () => {
    const { service } = harness(configSecrets('access-token-1'), NOW);
    const deduping = webhook({ scheme: 'ingenious', replay: { dedupeBodyHash: true } });
    const request = post({ authorization: 'Bearer access-token-1' }, BODY);
    await service.verify(BOT, deduping, request);
    expect((await rejection(service.verify(BOT, deduping, request))).code).toBe('replayed');
  });
});
