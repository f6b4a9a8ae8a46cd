import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { errorBody, FakeInbenta } from '../../test/support/fake-inbenta.js';
import { ChatApiError, type ChatApiOptions, type ChatConfig } from './chat-api.js';
import { InbentaAdapter } from './inbenta.adapter.js';

/** Small timeouts and backoffs keep every test well under a second. */
const FAST: ChatApiOptions = { timeoutMs: 150, maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

const USER_TOKEN = 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwia2lkIjoiazEifQ..nT3xq-user-token-value.Zm9v';

describe('InbentaAdapter', () => {
  let fake: FakeInbenta;
  let chat: ChatConfig;

  beforeEach(async () => {
    fake = await FakeInbenta.start();
    chat = {
      vendor: 'inbenta',
      variable: 'user_token',
      apiKey: fake.apiKey,
      secret: fake.secret,
      authUrl: fake.authUrl,
    };
  });

  afterEach(() => fake.close());

  async function failure(promise: Promise<unknown>): Promise<ChatApiError> {
    const error = await promise.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ChatApiError);
    return error as ChatApiError;
  }

  describe('the documented exchange', () => {
    it('authenticates with the API key and secret, then posts the variable to the announced chatbot URL', async () => {
      const adapter = new InbentaAdapter(FAST);
      await adapter.setVariable({ chat, sessionToken: fake.session, value: USER_TOKEN });

      expect(fake.requests.map((request) => request.route)).toEqual(['auth', 'variables']);
      const [auth, push] = fake.requests;

      expect(auth.method).toBe('POST');
      expect(auth.path).toBe('/v1/auth');
      expect(auth.headers['x-inbenta-key']).toBe(fake.apiKey);
      expect(auth.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
      expect(auth.body).toBe(`secret=${encodeURIComponent(fake.secret)}`);
      expect(auth.headers.authorization).toBeUndefined();

      expect(push.method).toBe('POST');
      expect(push.path).toBe(`${new URL(fake.chatbotUrl).pathname}/v1/conversation/variables`);
      expect(push.headers.host).toBe(new URL(fake.chatbotUrl).host);
      expect(push.headers.host).not.toBe(new URL(fake.authUrl).host);
      expect(push.headers['x-inbenta-key']).toBe(fake.apiKey);
      expect(push.headers.authorization).toBe(`Bearer ${fake.issuedTokens[0]}`);
      expect(push.headers['x-inbenta-session']).toBe(`Bearer ${fake.session}`);
      expect(push.headers['content-type']).toMatch(/^application\/json/);
      expect(push.json).toEqual({ name: 'user_token', value: USER_TOKEN });
      expect(JSON.parse(push.body)).toStrictEqual({ name: 'user_token', value: USER_TOKEN });

      expect(fake.variables.get(fake.session)?.get('user_token')).toBe(USER_TOKEN);
    });

    it('uses an explicit variable name over the configured one', async () => {
      await new InbentaAdapter(FAST).setVariable({ chat, sessionToken: fake.session, name: 'other_var', value: 'v' });
      expect(fake.requestsTo('variables')[0].json).toEqual({ name: 'other_var', value: 'v' });
    });

    it('clearVariable overwrites the value with an empty string', async () => {
      const adapter = new InbentaAdapter(FAST);
      await adapter.setVariable({ chat, sessionToken: fake.session, value: USER_TOKEN });
      await adapter.clearVariable({ chat, sessionToken: fake.session });

      expect(fake.requestsTo('variables')[1].json).toStrictEqual({ name: 'user_token', value: '' });
      expect(fake.variables.get(fake.session)?.get('user_token')).toBe('');
    });

    it('rejects an answer without "success": true', async () => {
      fake.script('variables', { status: 200, body: { success: false } });
      const error = await failure(
        new InbentaAdapter(FAST).setVariable({ chat, sessionToken: fake.session, value: 'v' }),
      );
      expect(error.code).toBe('chat_api_rejected');
    });
  });

  describe('access token cache', () => {
    it('authenticates once for many pushes, concurrent ones included', async () => {
      const adapter = new InbentaAdapter(FAST);
      await Promise.all(
        Array.from({ length: 5 }, (_, i) => adapter.setVariable({ chat, sessionToken: fake.session, value: `v${i}` })),
      );
      await adapter.setVariable({ chat, sessionToken: fake.session, value: 'again' });

      expect(fake.requestsTo('auth')).toHaveLength(1);
      expect(fake.requestsTo('variables')).toHaveLength(6);
      expect(new Set(fake.requestsTo('variables').map((request) => request.headers.authorization))).toEqual(
        new Set([`Bearer ${fake.issuedTokens[0]}`]),
      );
    });

    it('keeps one token per API key', async () => {
      const other = await FakeInbenta.start({ apiKey: 'other-key', secret: 'other-secret' });
      try {
        const adapter = new InbentaAdapter(FAST);
        const otherChat = { ...chat, apiKey: other.apiKey, secret: other.secret, authUrl: other.authUrl };
        await adapter.setVariable({ chat, sessionToken: fake.session, value: 'a' });
        await adapter.setVariable({ chat: otherChat, sessionToken: other.session, value: 'b' });
        await adapter.setVariable({ chat, sessionToken: fake.session, value: 'c' });

        expect(fake.requestsTo('auth')).toHaveLength(1);
        expect(other.requestsTo('auth')).toHaveLength(1);
        expect(other.requestsTo('variables')[0].headers.authorization).toBe(`Bearer ${other.issuedTokens[0]}`);
      } finally {
        await other.close();
      }
    });

    it('refreshes the token shortly before it expires and uses the new one', async () => {
      let now = Date.now();
      const adapter = new InbentaAdapter({ ...FAST, now: () => now });
      await adapter.setVariable({ chat, sessionToken: fake.session, value: 'a' });

      now += 1000 * 1000; // 200 s of the token's 1200 s left: not yet
      await adapter.setVariable({ chat, sessionToken: fake.session, value: 'b' });
      expect(fake.requestsTo('refresh')).toHaveLength(0);

      now += 170 * 1000; // 30 s left, inside the 60 s margin
      await adapter.setVariable({ chat, sessionToken: fake.session, value: 'c' });
      await adapter.setVariable({ chat, sessionToken: fake.session, value: 'd' });

      const [refresh] = fake.requestsTo('refresh');
      expect(fake.requestsTo('refresh')).toHaveLength(1);
      expect(refresh.path).toBe('/v1/refreshToken');
      expect(refresh.headers['x-inbenta-key']).toBe(fake.apiKey);
      expect(refresh.headers.authorization).toBe(`Bearer ${fake.issuedTokens[0]}`);
      expect(fake.requestsTo('auth')).toHaveLength(1);
      expect(fake.requestsTo('variables').map((request) => request.headers.authorization)).toEqual([
        `Bearer ${fake.issuedTokens[0]}`,
        `Bearer ${fake.issuedTokens[0]}`,
        `Bearer ${fake.issuedTokens[1]}`,
        `Bearer ${fake.issuedTokens[1]}`,
      ]);
    });

    it('falls back to a fresh /auth when the refresh fails', async () => {
      let now = Date.now();
      const adapter = new InbentaAdapter({ ...FAST, now: () => now });
      await adapter.setVariable({ chat, sessionToken: fake.session, value: 'a' });
      fake.failNext('refresh', 1, 500);

      now += 1190 * 1000;
      await adapter.setVariable({ chat, sessionToken: fake.session, value: 'b' });

      expect(fake.requestsTo('refresh')).toHaveLength(1);
      expect(fake.requestsTo('auth')).toHaveLength(2);
      expect(fake.requestsTo('variables')[1].headers.authorization).toBe(`Bearer ${fake.issuedTokens[1]}`);
    });

    it('authenticates anew once the cached token has expired, without trying to refresh it', async () => {
      let now = Date.now();
      const adapter = new InbentaAdapter({ ...FAST, now: () => now });
      await adapter.setVariable({ chat, sessionToken: fake.session, value: 'a' });

      now += 1300 * 1000;
      await adapter.setVariable({ chat, sessionToken: fake.session, value: 'b' });

      expect(fake.requestsTo('refresh')).toHaveLength(0);
      expect(fake.requestsTo('auth')).toHaveLength(2);
    });

    it('keeps using a still-valid token when both refresh and /auth fail', async () => {
      let now = Date.now();
      const adapter = new InbentaAdapter({ ...FAST, now: () => now });
      await adapter.setVariable({ chat, sessionToken: fake.session, value: 'a' });
      fake.failNext('refresh', 1);
      fake.failNext('auth', 3);

      now += 1190 * 1000;
      await adapter.setVariable({ chat, sessionToken: fake.session, value: 'b' });

      expect(fake.requestsTo('auth')).toHaveLength(4);
      expect(fake.requestsTo('variables')[1].headers.authorization).toBe(`Bearer ${fake.issuedTokens[0]}`);
    });

    it('on 401 drops the cached token, authenticates once more and retries the push', async () => {
      const adapter = new InbentaAdapter(FAST);
      await adapter.setVariable({ chat, sessionToken: fake.session, value: 'a' });
      fake.revokeAccessTokens();

      await adapter.setVariable({ chat, sessionToken: fake.session, value: 'b' });

      expect(fake.requestsTo('auth')).toHaveLength(2);
      expect(fake.requestsTo('variables').map((request) => request.headers.authorization)).toEqual([
        `Bearer ${fake.issuedTokens[0]}`,
        `Bearer ${fake.issuedTokens[0]}`,
        `Bearer ${fake.issuedTokens[1]}`,
      ]);
      expect(fake.variables.get(fake.session)?.get('user_token')).toBe('b');
    });

    it('recovers when Inbenta has expired a token the adapter still trusts (clock skew)', async () => {
      fake.setExpiresIn(0.2);
      const frozen = Date.now();
      const adapter = new InbentaAdapter({ ...FAST, now: () => frozen });
      await adapter.setVariable({ chat, sessionToken: fake.session, value: 'a' });
      await new Promise((resolve) => setTimeout(resolve, 250));

      await adapter.setVariable({ chat, sessionToken: fake.session, value: 'b' });

      expect(fake.requestsTo('variables').map((request) => request.headers.authorization)).toEqual([
        `Bearer ${fake.issuedTokens[0]}`,
        `Bearer ${fake.issuedTokens[0]}`,
        `Bearer ${fake.issuedTokens[1]}`,
      ]);
      expect(fake.variables.get(fake.session)?.get('user_token')).toBe('b');
    });

    it('gives up with chat_api_rejected when the fresh token gets a 401 too', async () => {
      const adapter = new InbentaAdapter(FAST);
      await adapter.setVariable({ chat, sessionToken: fake.session, value: 'a' });
      fake.revokeAccessTokens();
      fake.script(
        'variables',
        { status: 401, body: errorBody('Unauthorized', 401) },
        { status: 401, body: errorBody('Unauthorized', 401) },
      );

      const error = await failure(adapter.setVariable({ chat, sessionToken: fake.session, value: 'b' }));

      expect(error.code).toBe('chat_api_rejected');
      expect(error.upstreamStatus).toBe(401);
      expect(fake.requestsTo('auth')).toHaveLength(2);
      expect(fake.requestsTo('variables')).toHaveLength(3);
    });

    it('reads the chatbot URL from each auth answer', async () => {
      const adapter = new InbentaAdapter(FAST);
      await adapter.setVariable({ chat, sessionToken: fake.session, value: 'a' });
      const firstBase = fake.chatbotUrl;
      fake.moveChatbot('/eu-2/chatbot');
      fake.revokeAccessTokens();

      await adapter.setVariable({ chat, sessionToken: fake.session, value: 'b' });

      const paths = fake.requests.filter((request) => request.route !== 'auth').map((request) => request.path);
      expect(paths).toEqual([
        `${new URL(firstBase).pathname}/v1/conversation/variables`,
        `${new URL(firstBase).pathname}/v1/conversation/variables`,
        '/eu-2/chatbot/v1/conversation/variables',
      ]);
      expect(fake.variables.get(fake.session)?.get('user_token')).toBe('b');
    });
  });

  describe('failures', () => {
    it('maps 400 "Session expired" to session_expired, without retrying', async () => {
      fake.expireSession(fake.session);
      const error = await failure(
        new InbentaAdapter(FAST).setVariable({ chat, sessionToken: fake.session, value: USER_TOKEN }),
      );

      expect(error.code).toBe('session_expired');
      expect(error.upstreamStatus).toBe(400);
      expect(fake.requestsTo('variables')).toHaveLength(1);
      expect(fake.requestsTo('auth')).toHaveLength(1);
    });

    it('retries 5xx answers and succeeds on the third attempt', async () => {
      fake.failNext('variables', 2, 503);
      await new InbentaAdapter(FAST).setVariable({ chat, sessionToken: fake.session, value: 'v' });

      expect(fake.requestsTo('variables')).toHaveLength(3);
      expect(fake.variables.get(fake.session)?.get('user_token')).toBe('v');
    });

    it('retries 5xx from /auth too', async () => {
      fake.failNext('auth', 2, 502);
      await new InbentaAdapter(FAST).setVariable({ chat, sessionToken: fake.session, value: 'v' });
      expect(fake.requestsTo('auth')).toHaveLength(3);
    });

    it('stops after maxAttempts 5xx answers with chat_api_unavailable', async () => {
      fake.failNext('variables', 10, 500);
      const error = await failure(
        new InbentaAdapter({ ...FAST, maxAttempts: 4 }).setVariable({ chat, sessionToken: fake.session, value: 'v' }),
      );

      expect(error.code).toBe('chat_api_unavailable');
      expect(error.message).toContain('4 attempts');
      expect(fake.requestsTo('variables')).toHaveLength(4);
    });

    it('times out slow answers, retries them, then reports chat_api_unavailable', async () => {
      fake.delayNext('variables', 3, 600);
      const started = Date.now();
      const error = await failure(
        new InbentaAdapter({ ...FAST, timeoutMs: 100 }).setVariable({ chat, sessionToken: fake.session, value: 'v' }),
      );

      expect(error.code).toBe('chat_api_unavailable');
      expect(error.message).toContain('no answer within 100 ms');
      expect(fake.requestsTo('variables')).toHaveLength(3);
      expect(Date.now() - started).toBeLessThan(1500); // waiting out the fake would take 3 x 600 ms
    });

    it('succeeds when only the first answer is too slow', async () => {
      fake.delayNext('variables', 1, 500);
      await new InbentaAdapter({ ...FAST, timeoutMs: 100 }).setVariable({
        chat,
        sessionToken: fake.session,
        value: 'v',
      });
      expect(fake.requestsTo('variables')).toHaveLength(2);
    });

    it('reports malformed JSON as chat_api_unavailable', async () => {
      fake.malformedNext('variables', 3);
      const error = await failure(
        new InbentaAdapter(FAST).setVariable({ chat, sessionToken: fake.session, value: 'v' }),
      );

      expect(error.code).toBe('chat_api_unavailable');
      expect(error.message).toContain('not JSON');
    });

    it('reports a malformed auth answer as chat_api_unavailable', async () => {
      fake.malformedNext('auth', 3);
      const error = await failure(
        new InbentaAdapter(FAST).setVariable({ chat, sessionToken: fake.session, value: 'v' }),
      );
      expect(error.code).toBe('chat_api_unavailable');
      expect(fake.requestsTo('variables')).toHaveLength(0);
    });

    it('refuses an auth answer whose apis.chatbot is not a URL', async () => {
      fake.script('auth', {
        status: 200,
        body: { accessToken: 'tok', expires_in: 1200, apis: { chatbot: 'not a url' } },
      });
      const error = await failure(
        new InbentaAdapter(FAST).setVariable({ chat, sessionToken: fake.session, value: 'v' }),
      );
      expect(error.code).toBe('chat_api_unavailable');
      expect(fake.requestsTo('variables')).toHaveLength(0);
    });

    it('does not retry a 4xx and reports it as chat_api_rejected with the vendor code', async () => {
      fake.script('variables', { status: 403, body: errorBody('Forbidden', 'forbidden_variable') });
      const error = await failure(
        new InbentaAdapter(FAST).setVariable({ chat, sessionToken: fake.session, value: 'v' }),
      );

      expect(error.code).toBe('chat_api_rejected');
      expect(error.upstreamStatus).toBe(403);
      expect(error.message).toContain('forbidden_variable');
      expect(fake.requestsTo('variables')).toHaveLength(1);
    });

    it('does not retry wrong credentials', async () => {
      const error = await failure(
        new InbentaAdapter(FAST).setVariable({
          chat: { ...chat, secret: 'wrong' },
          sessionToken: fake.session,
          value: 'v',
        }),
      );

      expect(error.code).toBe('chat_api_rejected');
      expect(error.upstreamStatus).toBe(401);
      expect(fake.requestsTo('auth')).toHaveLength(1);
      expect(fake.requestsTo('variables')).toHaveLength(0);
    });

    it('treats 429 as unavailable without hammering the API', async () => {
      fake.script('variables', { status: 429, body: errorBody('Too many requests', 429) });
      const error = await failure(
        new InbentaAdapter(FAST).setVariable({ chat, sessionToken: fake.session, value: 'v' }),
      );

      expect(error.code).toBe('chat_api_unavailable');
      expect(fake.requestsTo('variables')).toHaveLength(1);
    });

    it('retries network errors, then reports chat_api_unavailable', async () => {
      const closedPort = await unusedPort();
      const error = await failure(
        new InbentaAdapter(FAST).setVariable({
          chat: { ...chat, authUrl: `http://127.0.0.1:${closedPort}/v1` },
          sessionToken: fake.session,
          value: 'v',
        }),
      );

      expect(error.code).toBe('chat_api_unavailable');
      expect(error.message).toMatch(/network error/);
      expect(error.message).toContain('3 attempts');
    });

    it('refuses a session token that a header cannot carry, before any request', async () => {
      const error = await failure(
        new InbentaAdapter(FAST).setVariable({ chat, sessionToken: 'abc\r\nx-evil: 1', value: 'v' }),
      );
      expect(error.code).toBe('chat_api_rejected');
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('secrets in errors', () => {
    it('never puts the value, session token, API key, secret or access token into an error', async () => {
      const secrets = () => [USER_TOKEN, fake.session, fake.apiKey, fake.secret, ...fake.issuedTokens];
      const echo = `value ${USER_TOKEN} for session ${fake.session} with key ${fake.apiKey} and secret ${fake.secret}`;
      const errors: ChatApiError[] = [];

      // Vendor error texts that quote what was sent.
      fake.script('variables', { status: 422, body: errorBody(echo, 422) });
      errors.push(
        await failure(new InbentaAdapter(FAST).setVariable({ chat, sessionToken: fake.session, value: USER_TOKEN })),
      );
      fake.script('auth', { status: 401, body: errorBody(echo, 401) });
      errors.push(
        await failure(new InbentaAdapter(FAST).setVariable({ chat, sessionToken: fake.session, value: USER_TOKEN })),
      );
      fake.script(
        'variables',
        { status: 500, body: errorBody(echo, 500) },
        { status: 500, body: echo },
        { status: 500 },
      );
      errors.push(
        await failure(new InbentaAdapter(FAST).setVariable({ chat, sessionToken: fake.session, value: USER_TOKEN })),
      );
      fake.script('variables', { status: 200, body: echo }, { status: 200, body: echo }, { status: 200, body: echo });
      errors.push(
        await failure(new InbentaAdapter(FAST).setVariable({ chat, sessionToken: fake.session, value: USER_TOKEN })),
      );

      // Our own failures.
      fake.delayNext('variables', 3, 400);
      errors.push(
        await failure(
          new InbentaAdapter({ ...FAST, timeoutMs: 50 }).setVariable({
            chat,
            sessionToken: fake.session,
            value: USER_TOKEN,
          }),
        ),
      );
      errors.push(
        await failure(
          new InbentaAdapter(FAST).setVariable({
            chat: { ...chat, authUrl: `http://127.0.0.1:${await unusedPort()}/v1` },
            sessionToken: fake.session,
            value: USER_TOKEN,
          }),
        ),
      );
      errors.push(
        await failure(
          new InbentaAdapter(FAST).setVariable({
            chat: { ...chat, secret: `${fake.secret}x` },
            sessionToken: fake.session,
            value: USER_TOKEN,
          }),
        ),
      );
      errors.push(
        await failure(
          new InbentaAdapter(FAST).setVariable({ chat, sessionToken: `${USER_TOKEN}\n`, value: USER_TOKEN }),
        ),
      );
      fake.expireSession(fake.session);
      errors.push(
        await failure(new InbentaAdapter(FAST).setVariable({ chat, sessionToken: fake.session, value: USER_TOKEN })),
      );

      expect(errors.map((error) => error.code)).toEqual([
        'chat_api_rejected',
        'chat_api_rejected',
        'chat_api_unavailable',
        'chat_api_unavailable',
        'chat_api_unavailable',
        'chat_api_unavailable',
        'chat_api_rejected',
        'chat_api_rejected',
        'session_expired',
      ]);
      for (const error of errors) {
        const renderings = [String(error), JSON.stringify(error), inspect(error, { depth: 5 }), error.stack ?? ''];
        for (const rendering of renderings) {
          for (const secret of secrets()) expect(rendering).not.toContain(secret);
        }
      }
    });
  });
});

/** A loopback port nobody listens on. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
