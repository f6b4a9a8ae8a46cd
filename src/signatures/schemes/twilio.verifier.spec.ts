import { createHmac } from 'node:crypto';
import { BOT, configSecrets, harness, post, rejection, webhook } from '../testing/verifier-kit.js';

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
});
