// The baseline for bench/signature.js: a bare Fastify handler doing the work
// the service is required to do for a verify-signature call, and no more:
// check the API key (SHA-256 of the presented key against the stored hash,
// constant-time), check the same Slack-style HMAC-SHA256 over the forwarded
// body (secret imported once, constant-time compare), check the timestamp
// window, and answer the same JSON. No bot lookup, no metrics, no audit, no
// validation beyond Fastify's JSON parsing.
import Fastify from 'fastify';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const secret = process.env.BENCH_SECRET;
const apiKeyHash = createHash('sha256').update(process.env.BENCH_API_KEY).digest();
const app = Fastify({ logger: false, bodyLimit: 512 * 1024 });
app.post('/v1/verify/signature', async (request, reply) => {
  const presentedKey = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
  if (!timingSafeEqual(createHash('sha256').update(presentedKey).digest(), apiKeyHash)) return reply.code(401).send({ error: 'api_key_invalid' });
  const { headers, body } = request.body;
  const timestamp = headers['x-slack-request-timestamp'];
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return reply.code(401).send({ valid: false, error: 'timestamp_invalid' });
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`);
  const presented = Buffer.from(String(headers['x-slack-signature']));
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) return reply.code(401).send({ valid: false, error: 'signature_invalid' });
  return { valid: true, scheme: 'slack', secretId: 'config-0' };
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
