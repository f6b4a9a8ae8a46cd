import { createHmac } from 'node:crypto';
import { BOT, configSecrets, harness, post, rejection, tamper, webhook } from '../testing/verifier-kit.js';

// Slack's published example, api.slack.com/authentication/verifying-requests-from-slack
// ("Validating a request", step-by-step walk-through): signing secret, timestamp,
// slash-command body and the resulting X-Slack-Signature.
const DOC_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DOC_TIMESTAMP = 1531420618;
const DOC_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const DOC_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

const config = webhook({ scheme: 'slack' });

function headers(signature = DOC_SIGNATURE, timestamp: string = String(DOC_TIMESTAMP)) {
  return { 'X-Slack-Signature': signature, 'X-Slack-Request-Timestamp': timestamp };
}

function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

describe('slack verifier', () => {
  it("accepts Slack's documented example request", async () => {
    const { service } = harness(configSecrets(DOC_SECRET), DOC_TIMESTAMP + 30);
    await expect(service.verify(BOT, config, post(headers(), DOC_BODY))).resolves.toEqual({
      valid: true,
      scheme: 'slack',
      secretId: 'config-0',
    });
  });

  it('refuses a tampered body', async () => {
    const { service } = harness(configSecrets(DOC_SECRET), DOC_TIMESTAMP);
    expect((await rejection(service.verify(BOT, config, post(headers(), tamper(DOC_BODY, 40))))).code).toBe('signature_invalid');
  });

  it('refuses another secret, and a signature without the v0= prefix', async () => {
    const { service } = harness(configSecrets('another-signing-secret'), DOC_TIMESTAMP);
    expect((await rejection(service.verify(BOT, config, post(headers(), DOC_BODY)))).code).toBe('signature_invalid');
    const right = harness(configSecrets(DOC_SECRET), DOC_TIMESTAMP).service;
    const unprefixed = DOC_SIGNATURE.slice(3);
    expect((await rejection(right.verify(BOT, config, post(headers(unprefixed), DOC_BODY)))).code).toBe('signature_invalid');
  });

  it('reports a missing signature or timestamp header as signature_missing', async () => {
    const { service } = harness(configSecrets(DOC_SECRET), DOC_TIMESTAMP);
    const noSignature = await rejection(service.verify(BOT, config, post({ 'x-slack-request-timestamp': String(DOC_TIMESTAMP) }, DOC_BODY)));
    const noTimestamp = await rejection(service.verify(BOT, config, post({ 'x-slack-signature': DOC_SIGNATURE }, DOC_BODY)));
    expect([noSignature.code, noTimestamp.code]).toEqual(['signature_missing', 'signature_missing']);
  });

  it('refuses a timestamp more than five minutes away, either side', async () => {
    const stale = harness(configSecrets(DOC_SECRET), DOC_TIMESTAMP + 301);
    expect(await rejection(stale.service.verify(BOT, config, post(headers(), DOC_BODY)))).toMatchObject({
      code: 'timestamp_invalid',
      status: 401,
    });
    const early = harness(configSecrets(DOC_SECRET), DOC_TIMESTAMP - 301);
    expect((await rejection(early.service.verify(BOT, config, post(headers(), DOC_BODY)))).code).toBe('timestamp_invalid');
    const edge = harness(configSecrets(DOC_SECRET), DOC_TIMESTAMP + 300);
    await expect(edge.service.verify(BOT, config, post(headers(), DOC_BODY))).resolves.toMatchObject({ valid: true });
  });

  it('refuses a timestamp that does not parse, even with a matching signature', async () => {
    const { service } = harness(configSecrets(DOC_SECRET), DOC_TIMESTAMP);
    for (const bad of ['yesterday', '1531420618.5', '-1531420618', '0x5b47', '1531420618abc']) {
      const signature = `v0=${createHmac('sha256', DOC_SECRET).update(`v0:${bad}:${DOC_BODY}`).digest('hex')}`;
      expect((await rejection(service.verify(BOT, config, post(headers(signature, bad), DOC_BODY)))).code).toBe('timestamp_invalid');
    }
  });

  it('honours a configured tolerance', async () => {
    const { service } = harness(configSecrets(DOC_SECRET), DOC_TIMESTAMP + 61);
    const strict = webhook({ scheme: 'slack', toleranceSeconds: 60 });
    expect((await rejection(service.verify(BOT, strict, post(headers(), DOC_BODY)))).code).toBe('timestamp_invalid');
  });

  it('tries every live secret (rotation)', async () => {
    const { service } = harness(configSecrets('previous-secret', DOC_SECRET), DOC_TIMESTAMP);
    await expect(service.verify(BOT, config, post(headers(), DOC_BODY))).resolves.toMatchObject({ secretId: 'config-1' });
  });

  it('rejects a replay within the window when dedupeBodyHash is on', async () => {
    const { service, setNow } = harness(configSecrets(DOC_SECRET), DOC_TIMESTAMP);
    const deduping = webhook({ scheme: 'slack', replay: { dedupeBodyHash: true } });
    await service.verify(BOT, deduping, post(headers(), DOC_BODY));
    setNow(DOC_TIMESTAMP + 10);
    expect((await rejection(service.verify(BOT, deduping, post(headers(), DOC_BODY)))).code).toBe('replayed');
    // The same body signed at another time is another delivery.
    const later = DOC_TIMESTAMP + 5;
    await expect(
      service.verify(BOT, deduping, post(headers(sign(DOC_SECRET, later, DOC_BODY), String(later)), DOC_BODY)),
    ).resolves.toMatchObject({ valid: true });
  });

  it('hands back the url_verification challenge once the signature matched', async () => {
    const body = '{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}';
    const { service } = harness(configSecrets(DOC_SECRET), DOC_TIMESTAMP);
    await expect(service.verify(BOT, config, post(headers(sign(DOC_SECRET, DOC_TIMESTAMP, body)), body))).resolves.toMatchObject({
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    });
  });
});
