import type { SignedRequest } from '../signature-verifier.js';
import { BOT, configSecrets, harness, post, rejection, webhook } from '../testing/verifier-kit.js';

// ChatBot.com connection settings (chatbot.com/docs/webhooks, "Create
// connection": token, headers, auth.username/password) and its verification
// request (GET ?challenge=…&token=…).
const NOW = 1_700_000_000;
// The example webhook body of chatbot.com/docs/webhooks ("How ChatBot Webhooks works?").
const BODY = JSON.stringify({
  chatId: '602313f00000000000000000',
  messageId: '5a7fb3e1-8452-4aee-a7a9-2f0edaeb8e42',
  userId: '602313f00000000000000000',
  externalId: '26565d77-dd8f-4f34-bb46-4daaa8a22895',
  node: { id: '4b0d6bea-1a9b-4d29-bf23-85e8aa9619ae', name: 'foo bar', type: 'WEBHOOK' },
  attributes: { user_token: 'tok' },
});

function handshake(query: string): SignedRequest {
  return { method: 'GET', url: `https://auth.example.com/hooks/chatbot?${query}`, headers: {}, body: Buffer.alloc(0) };
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

describe('chatbotcom verifier', () => {
  const withToken = webhook({ scheme: 'chatbotcom', token: 'secret-token', headers: { 'x-custom-header': 'value-1' } });

  it('answers the verification request with the raw challenge when the token matches', async () => {
    const { service } = harness([], NOW);
    await expect(service.verify(BOT, withToken, handshake('challenge=Zq3p9&token=secret-token'))).resolves.toEqual({
      valid: true,
      scheme: 'chatbotcom',
      secretId: 'token',
      challenge: 'Zq3p9',
    });
  });

  it('also accepts a token held as a live secret (rotation) and reports its id', async () => {
    const { service } = harness(configSecrets('older-token', 'newer-token'), NOW);
    await expect(service.verify(BOT, withToken, handshake('challenge=abc&token=newer-token'))).resolves.toMatchObject({
      secretId: 'config-1',
      challenge: 'abc',
    });
  });

  it('refuses the verification request with a wrong token, and reports a missing one', async () => {
    const { service } = harness([], NOW);
    expect((await rejection(service.verify(BOT, withToken, handshake('challenge=abc&token=guess')))).code).toBe('signature_invalid');
    expect((await rejection(service.verify(BOT, withToken, handshake('challenge=abc')))).code).toBe('signature_missing');
    expect((await rejection(service.verify(BOT, withToken, handshake('token=secret-token')))).code).toBe('signature_missing');
  });

  it('checks the custom headers on webhook calls', async () => {
    const { service } = harness([], NOW);
    await expect(service.verify(BOT, withToken, post({ 'X-Custom-Header': 'value-1' }, BODY))).resolves.toMatchObject({
      secretId: 'headers',
    });
    expect((await rejection(service.verify(BOT, withToken, post({ 'x-custom-header': 'value-2' }, BODY)))).code).toBe('signature_invalid');
    expect((await rejection(service.verify(BOT, withToken, post({}, BODY)))).code).toBe('signature_missing');
    expect((await rejection(service.verify(BOT, withToken, post({ 'x-custom-header': ['value-1', 'value-1'] }, BODY)))).code).toBe(
      'signature_invalid',
    );
  });

  it('does not accept the token alone on webhook calls (it only answers the verification GET)', async () => {
    const { service } = harness([], NOW);
    const error = await rejection(service.verify(BOT, withToken, post({ token: 'secret-token' }, BODY)));
    expect(error.code).toBe('signature_missing');
  });

  it('checks HTTP Basic credentials', async () => {
    const config = webhook({ scheme: 'chatbotcom', basicAuth: { username: 'foo', password: 'bar:baz' } });
    const { service } = harness([], NOW);
    await expect(service.verify(BOT, config, post({ authorization: basic('foo', 'bar:baz') }, BODY))).resolves.toMatchObject({
      secretId: 'basic-auth',
    });
    for (const wrong of [basic('foo', 'bar'), basic('fo', 'bar:baz'), 'Bearer abc', 'Basic !!!', `Basic ${Buffer.from('nocolon').toString('base64')}`]) {
      expect((await rejection(service.verify(BOT, config, post({ authorization: wrong }, BODY)))).code).toBe('signature_invalid');
    }
    expect((await rejection(service.verify(BOT, config, post({}, BODY)))).code).toBe('signature_missing');
  });

  it('requires every configured credential', async () => {
    const config = webhook({ scheme: 'chatbotcom', basicAuth: { username: 'foo', password: 'bar' }, headers: { 'x-custom-header': 'v' } });
    const { service } = harness([], NOW);
    expect((await rejection(service.verify(BOT, config, post({ authorization: basic('foo', 'bar') }, BODY)))).code).toBe(
      'signature_missing',
    );
    expect(
      (await rejection(service.verify(BOT, config, post({ authorization: basic('foo', 'bad'), 'x-custom-header': 'v' }, BODY)))).code,
    ).toBe('signature_invalid');
    await expect(
      service.verify(BOT, config, post({ authorization: basic('foo', 'bar'), 'x-custom-header': 'v' }, BODY)),
    ).resolves.toMatchObject({ valid: true });
  });

  it('rejects a replay when dedupeBodyHash is on, but never a repeated verification request', async () => {
    const { service } = harness([], NOW);
    const deduping = webhook({ ...withToken, replay: { dedupeBodyHash: true } });
    const call = post({ 'x-custom-header': 'value-1' }, BODY);
    await service.verify(BOT, deduping, call);
    expect((await rejection(service.verify(BOT, deduping, call))).code).toBe('replayed');
    await service.verify(BOT, deduping, handshake('challenge=c&token=secret-token'));
    await expect(service.verify(BOT, deduping, handshake('challenge=c&token=secret-token'))).resolves.toMatchObject({ challenge: 'c' });
  });

  it('refuses an absurdly long challenge with a 400', async () => {
    const { service } = harness([], NOW);
    const error = await rejection(service.verify(BOT, withToken, handshake(`challenge=${'a'.repeat(5000)}&token=secret-token`)));
    expect(error).toMatchObject({ code: 'invalid_request', status: 400 });
  });
});
