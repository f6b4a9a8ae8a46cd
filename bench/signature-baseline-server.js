// The baseline for bench/signature.js: a bare Fastify handler that checks the
// same Slack-style HMAC-SHA256 over the forwarded body (secret imported once,
// constant-time compare) and answers like the verify route. No auth, no
// bot lookup, no validation beyond Fastify's JSON parsing.
import Fastify from 'fastify';
import { createHmac, timingSafeEqual } from 'node:crypto';

const secret = process.env.BENCH_SECRET;
const app = Fastify({ logger: false, bodyLimit: 512 * 1024 });
app.post('/v1/verify/signature', async (request, reply) => {
  const { headers, body } = request.body;
  const timestamp = headers['x-slack-request-timestamp'];
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`);
  const presented = Buffer.from(String(headers['x-slack-signature']));
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) return reply.code(401).send({ valid: false });
  return { valid: true, scheme: 'slack', secretId: 'config-0' };
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
