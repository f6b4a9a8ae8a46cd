import { createHmac } from 'node:crypto';
import twilio from 'twilio';
import { BOT, configSecrets, harness, post, rejection, webhook } from '../testing/verifier-kit.js';
import { validateWebhookConfig } from '../webhook-config.dto.js';

// Vectors published with Twilio's official helper libraries (twilio-python
// tests/unit/test_request_validator.py, same values in twilio-php, -csharp
// and -node): auth token 12345, this URL and these parameters.
const TOKEN = '12345';
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const FORM = 'CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212';
const FORM_SIGNATURE = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
const JSON_BODY = '{"property": "value", "boolean": true}';
const BODY_HASH = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';
const JSON_SIGNATURE = 'a9nBmqA0ju/hNViExpshrM61xv4=';
const DUPLICATES_FORM = 'Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234';
const DUPLICATES_SIGNATURE = 'IK+Dwps556ElfBT0I3Rgjkr1wJU=';

const config = webhook({ scheme: 'twilio' });
const NOW = 1_700_000_000;

describe('twilio verifier', () => {
  it('accepts the published form-post vector', async () => {
    const { service } = harness(configSecrets(TOKEN), NOW);
    await expect(service.verify(BOT, config, post({ 'X-Twilio-Signature': FORM_SIGNATURE }, FORM, URL))).resolves.toEqual({
      valid: true,
      scheme: 'twilio',
      secretId: 'config-0',
    });
  });

  it('sorts parameters, whatever order they arrive in', async () => {
    const { service } = harness(configSecrets(TOKEN), NOW);
    const reordered = FORM.split('&').reverse().join('&');
    await expect(service.verify(BOT, config, post({ 'x-twilio-signature': FORM_SIGNATURE }, reordered, URL))).resolves.toMatchObject({
      valid: true,
    });
  });

  it('accepts the published vector with repeated parameters (values de-duplicated and sorted)', async () => {
    const { service } = harness(configSecrets(TOKEN), NOW);
    await expect(
      service.verify(BOT, config, post({ 'x-twilio-signature': DUPLICATES_SIGNATURE }, DUPLICATES_FORM, URL)),
    ).resolves.toMatchObject({ valid: true });
  });

  it('accepts the published JSON vector (bodySHA256 in the URL)', async () => {
    const { service } = harness(configSecrets(TOKEN), NOW);
    const url = `${URL}&bodySHA256=${BODY_HASH}`;
    await expect(service.verify(BOT, config, post({ 'x-twilio-signature': JSON_SIGNATURE }, JSON_BODY, url))).resolves.toMatchObject({
      valid: true,
    });
  });

  it('refuses a JSON body that does not match bodySHA256', async () => {
    const { service } = harness(configSecrets(TOKEN), NOW);
    const url = `${URL}&bodySHA256=${BODY_HASH}`;
    const error = await rejection(service.verify(BOT, config, post({ 'x-twilio-signature': JSON_SIGNATURE }, '{"property": "evil", "boolean": true}', url)));
    expect(error.code).toBe('signature_invalid');
  });

  it('accepts the URL with or without its port (published port vectors)', async () => {
    const { service } = harness(configSecrets(TOKEN), NOW);
    // Signed without the port, received with one.
    const withPort = URL.replace('.com', '.com:1234');
    await expect(service.verify(BOT, config, post({ 'x-twilio-signature': FORM_SIGNATURE }, FORM, withPort))).resolves.toMatchObject({
      valid: true,
    });
    // Signed with the default port written out ("kvajT1…", hash of the URI with :443).
    await expect(
      service.verify(BOT, config, post({ 'x-twilio-signature': 'kvajT1Ptam85bY51eRf/AJRuM3w=' }, FORM, URL)),
    ).resolves.toMatchObject({ valid: true });
    // http with port 1234 ("Zmvh…").
    const http = URL.replace('.com', '.com:1234').replace('https', 'http');
    await expect(
      service.verify(BOT, config, post({ 'x-twilio-signature': 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU=' }, FORM, http)),
    ).resolves.toMatchObject({ valid: true });
  });

  it('refuses a tampered parameter and a changed URL', async () => {
    const { service } = harness(configSecrets(TOKEN), NOW);
    const tampered = FORM.replace('Digits=1234', 'Digits=9999');
    expect((await rejection(service.verify(BOT, config, post({ 'x-twilio-signature': FORM_SIGNATURE }, tampered, URL)))).code).toBe(
      'signature_invalid',
    );
    const otherUrl = URL.replace('foo=1', 'foo=2');
    expect((await rejection(service.verify(BOT, config, post({ 'x-twilio-signature': FORM_SIGNATURE }, FORM, otherUrl)))).code).toBe(
      'signature_invalid',
    );
  });

  it('refuses another auth token and reports a missing header', async () => {
    const { service } = harness(configSecrets('54321'), NOW);
    expect((await rejection(service.verify(BOT, config, post({ 'x-twilio-signature': FORM_SIGNATURE }, FORM, URL)))).code).toBe(
      'signature_invalid',
    );
    expect((await rejection(service.verify(BOT, config, post({}, FORM, URL)))).code).toBe('signature_missing');
  });

  it('needs the absolute request URL (400 otherwise)', async () => {
    const { service } = harness(configSecrets(TOKEN), NOW);
    for (const url of [undefined, '/myapp.php?foo=1&bar=2', 'ftp://mycompany.com/x']) {
      expect(await rejection(service.verify(BOT, config, post({ 'x-twilio-signature': FORM_SIGNATURE }, FORM, url)))).toMatchObject({
        code: 'invalid_request',
        status: 400,
      });
    }
  });

  it('tries every live auth token (primary and secondary during rotation)', async () => {
    const { service } = harness(configSecrets('old-token', TOKEN), NOW);
    await expect(service.verify(BOT, config, post({ 'x-twilio-signature': FORM_SIGNATURE }, FORM, URL))).resolves.toMatchObject({
      secretId: 'config-1',
    });
  });

  it('rejects a replayed request when dedupeBodyHash is on', async () => {
    const { service } = harness(configSecrets(TOKEN), NOW);
    const deduping = webhook({ scheme: 'twilio', replay: { dedupeBodyHash: true } });
    await service.verify(BOT, deduping, post({ 'x-twilio-signature': FORM_SIGNATURE }, FORM, URL));
    expect((await rejection(service.verify(BOT, deduping, post({ 'x-twilio-signature': FORM_SIGNATURE }, FORM, URL)))).code).toBe(
      'replayed',
    );
  });

  it('handles form values with "+" for spaces and UTF-8', async () => {
    const body = 'Body=Hello+w%C3%B6rld&From=%2B1555';
    const data = `${URL}BodyHello wörldFrom+1555`;
    const signature = createHmac('sha1', TOKEN).update(Buffer.from(data, 'utf8')).digest('base64');
    const { service } = harness(configSecrets(TOKEN), NOW);
    await expect(service.verify(BOT, config, post({ 'x-twilio-signature': signature }, body, URL))).resolves.toMatchObject({
      valid: true,
    });
  });

  // twilio-csharp test/Twilio.Test/Security/RequestValidatorTest.cs: the same
  // token and parameters, URLs signed exactly as written (mixed-case host,
  // user info, scheme in capitals).
  const CSHARP_AS_WRITTEN: [string, string][] = [
    ['https://MyCompany.com/myapp.php?foo=1&bar=2', 'g9IN/x4Cft2g517EjYvEvM/W7LU='],
    ['https://MyCompany.com:1234/myapp.php?foo=1&bar=2', 'PCqOZm8cnu/L6+u5i5fuEd+Iac4='],
    ['http://MyCompany.com/myapp.php?foo=1&bar=2', 'XY7AlKOKL6im4yWyX84gldUrtis='],
    ['http://username:password@MyCompany.com/myapp.php?foo=1&bar=2', 'PJ08CxXr7KLPjEQCTc8LkUSMwSM='],
    ['HTTP://username:password@MyCompany.com/myapp.php?foo=1&bar=2', 'hy/l8pca+LFms4cvRdv8uiP6NGc='],
    ['http://Username:Password@MyCompany.com/myapp.php?foo=1&bar=2', 'SkTSKyDJH9kUlhItI0slbgZ1UsI='],
  ];

  it.each(CSHARP_AS_WRITTEN)('accepts twilio-csharp\'s vector signed over %s as written', async (url, signature) => {
    const { service } = harness(configSecrets(TOKEN), NOW);
    await expect(service.verify(BOT, config, post({ 'x-twilio-signature': signature }, FORM, url))).resolves.toMatchObject({ valid: true });
  });

  it('after the URL as written, tries the normalised form, as twilio-node does (twilio-csharp does not)', async () => {
    // twilio-csharp refuses these (its negative vectors); twilio-node, whose
    // fallback this follows, accepts them: the signature over the lower-cased
    // URL is still Twilio's, only for a differently spelled URL.
    const { service } = harness(configSecrets(TOKEN), NOW);
    for (const url of ['https://MyCompany.com/myapp.php?foo=1&bar=2', 'https://MyCompany.com:1234/myapp.php?foo=1&bar=2']) {
      expect(twilio.validateRequest(TOKEN, FORM_SIGNATURE, url, Object.fromEntries(new URLSearchParams(FORM)))).toBe(true);
      await expect(service.verify(BOT, config, post({ 'x-twilio-signature': FORM_SIGNATURE }, FORM, url))).resolves.toMatchObject({ valid: true });
    }
  });

  // twilio-node as the independent signer: what it signs, and that its own
  // validator accepts the same request, so the two agree on the URL forms.
  const params = Object.fromEntries(new URLSearchParams(FORM));
  const FORWARDED_URLS = [
    "https://Example.COM/voice?name=O'Brien&x=1",
    "https://example.com:8443/Voice/Incoming?q=it's",
    'https://[2001:DB8::1]:8443/voice?a=1',
    'http://Example.com/voice',
    'https://example.com/voice?path=a%2Fb&space=a+b',
  ];

  it.each(FORWARDED_URLS)('accepts what twilio-node signs over the URL as forwarded: %s', async (url) => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, url, params);
    expect(twilio.validateRequest(TOKEN, signature, url, params)).toBe(true);
    const { service } = harness(configSecrets(TOKEN), NOW);
    await expect(service.verify(BOT, config, post({ 'x-twilio-signature': signature }, FORM, url))).resolves.toMatchObject({ valid: true });
  });

  it('accepts what twilio-node signs over the URL with the default port written out', async () => {
    const url = "https://Example.COM/voice?name=O'Brien";
    const signature = twilio.getExpectedTwilioSignature(TOKEN, "https://Example.COM:443/voice?name=O'Brien", params);
    expect(twilio.validateRequest(TOKEN, signature, url, params)).toBe(true);
    const { service } = harness(configSecrets(TOKEN), NOW);
    await expect(service.verify(BOT, config, post({ 'x-twilio-signature': signature }, FORM, url))).resolves.toMatchObject({ valid: true });
  });

  it('still accepts a signature over the normalised URL (lower-case host, %27 in the query)', async () => {
    const url = "https://Example.COM/voice?name=O'Brien";
    const signature = twilio.getExpectedTwilioSignature(TOKEN, new globalThis.URL(url).href, params);
    expect(new globalThis.URL(url).href).toBe('https://example.com/voice?name=O%27Brien');
    expect(twilio.validateRequest(TOKEN, signature, url, params)).toBe(true);
    const { service } = harness(configSecrets(TOKEN), NOW);
    await expect(service.verify(BOT, config, post({ 'x-twilio-signature': signature }, FORM, url))).resolves.toMatchObject({ valid: true });
  });

  it('accepts a JSON webhook twilio-node signs over a mixed-case URL with bodySHA256', async () => {
    const url = `https://MyCompany.com/myapp.php?bodySHA256=${BODY_HASH}`;
    const signature = twilio.getExpectedTwilioSignature(TOKEN, url, {});
    expect(twilio.validateRequestWithBody(TOKEN, signature, url, JSON_BODY)).toBe(true);
    const { service } = harness(configSecrets(TOKEN), NOW);
    await expect(service.verify(BOT, config, post({ 'x-twilio-signature': signature }, JSON_BODY, url))).resolves.toMatchObject({ valid: true });
  });

  describe('shared-key signing (X-Twilio-Webhooks-Signature-Settings)', () => {
    const SHARED_KEY = 'shared-key-secret-0123456789abcdef';
    const URL_AS_FORWARDED = "https://Example.COM/sms?name=O'Brien";
    const SETTINGS = 'key=webhooks_sharedkey_01j0000000000000000000000,algorithm=HMAC_SHA256';
    const sharedSignature = (): string => twilio.getExpectedTwilioSignature(SHARED_KEY, URL_AS_FORWARDED, params, 'HMAC_SHA256');
    const headers = (signature: string, settings = SETTINGS): Record<string, string> => ({
      'X-Twilio-Signature': signature,
      'X-Twilio-Webhooks-Signature-Settings': settings,
    });

    it('twilio-node reads the algorithm from the header and signs with HMAC-SHA256', () => {
      expect(twilio.getSignatureAlgorithm(SETTINGS)).toBe('HMAC_SHA256');
      expect(Buffer.from(sharedSignature(), 'base64')).toHaveLength(32);
      expect(twilio.validateRequest(SHARED_KEY, sharedSignature(), URL_AS_FORWARDED, params, 'HMAC_SHA256')).toBe(true);
    });

    it('accepts a shared-key signature with sharedKey: accept or require', async () => {
      for (const sharedKey of ['accept', 'require'] as const) {
        const { service } = harness(configSecrets(TOKEN, SHARED_KEY), NOW);
        const options = webhook({ scheme: 'twilio', sharedKey });
        await expect(service.verify(BOT, options, post(headers(sharedSignature()), FORM, URL_AS_FORWARDED))).resolves.toMatchObject({
          valid: true,
          secretId: 'config-1',
        });
      }
    });

    it('refuses a shared-key request when the option is off (the default)', async () => {
      const { service } = harness(configSecrets(SHARED_KEY), NOW);
      const error = await rejection(service.verify(BOT, config, post(headers(sharedSignature()), FORM, URL_AS_FORWARDED)));
      expect(error.code).toBe('signature_invalid');
    });

    it('with require, refuses an auth-token signature without the settings header', async () => {
      const { service } = harness(configSecrets(TOKEN, SHARED_KEY), NOW);
      const required = webhook({ scheme: 'twilio', sharedKey: 'require' });
      const error = await rejection(service.verify(BOT, required, post({ 'x-twilio-signature': FORM_SIGNATURE }, FORM, URL)));
      expect(error.code).toBe('signature_missing');
      // accept still takes it, for the migration.
      const accepting = webhook({ scheme: 'twilio', sharedKey: 'accept' });
      await expect(service.verify(BOT, accepting, post({ 'x-twilio-signature': FORM_SIGNATURE }, FORM, URL))).resolves.toMatchObject({
        secretId: 'config-0',
      });
    });

    it('pins the algorithm: HMAC_SHA1 or an unknown name is refused unless listed', async () => {
      const { service } = harness(configSecrets(SHARED_KEY), NOW);
      const accepting = webhook({ scheme: 'twilio', sharedKey: 'accept' });
      const sha1 = twilio.getExpectedTwilioSignature(SHARED_KEY, URL_AS_FORWARDED, params, 'HMAC_SHA1');
      const sha1Settings = SETTINGS.replace('HMAC_SHA256', 'HMAC_SHA1');
      expect((await rejection(service.verify(BOT, accepting, post(headers(sha1, sha1Settings), FORM, URL_AS_FORWARDED)))).code).toBe(
        'signature_invalid',
      );
      expect(
        (await rejection(service.verify(BOT, accepting, post(headers(sharedSignature(), SETTINGS.replace('HMAC_SHA256', 'HMAC_SHA512')), FORM, URL_AS_FORWARDED))))
          .code,
      ).toBe('signature_invalid');
      const withSha1 = webhook({ scheme: 'twilio', sharedKey: 'accept', sharedKeyAlgorithms: ['HMAC_SHA256', 'HMAC_SHA1'] });
      await expect(service.verify(BOT, withSha1, post(headers(sha1, sha1Settings), FORM, URL_AS_FORWARDED))).resolves.toMatchObject({ valid: true });
    });

    it('refuses a SHA-1 auth-token signature relabelled as shared-key, and a tampered parameter', async () => {
      const { service } = harness(configSecrets(TOKEN, SHARED_KEY), NOW);
      const accepting = webhook({ scheme: 'twilio', sharedKey: 'accept' });
      const sha1 = twilio.getExpectedTwilioSignature(TOKEN, URL_AS_FORWARDED, params);
      expect((await rejection(service.verify(BOT, accepting, post(headers(sha1), FORM, URL_AS_FORWARDED)))).code).toBe('signature_invalid');
      const tampered = FORM.replace('Digits=1234', 'Digits=9999');
      expect((await rejection(service.verify(BOT, accepting, post(headers(sharedSignature()), tampered, URL_AS_FORWARDED)))).code).toBe(
        'signature_invalid',
      );
    });

    it('validates the options: values, and the scheme they belong to', () => {
      expect(validateWebhookConfig({ scheme: 'twilio', sharedKey: 'accept', sharedKeyAlgorithms: ['HMAC_SHA256'] }).problems).toEqual([]);
      expect(validateWebhookConfig({ scheme: 'twilio', sharedKey: 'yes' }).problems.join()).toMatch(/sharedKey must be off, accept or require/);
      expect(validateWebhookConfig({ scheme: 'twilio', sharedKey: 'accept', sharedKeyAlgorithms: ['SHA256'] }).problems.join()).toMatch(
        /HMAC_SHA256 or HMAC_SHA1/,
      );
      expect(validateWebhookConfig({ scheme: 'twilio', sharedKeyAlgorithms: ['HMAC_SHA256'] }).problems.join()).toMatch(/set sharedKey/);
      expect(validateWebhookConfig({ scheme: 'slack', sharedKey: 'accept' }).problems.join()).toMatch(/not used by scheme slack/);
    });
  });
});
