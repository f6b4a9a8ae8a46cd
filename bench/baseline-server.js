// The baseline: a bare Fastify handler that only decrypts the token with jose
// (key imported once), answering like the verify route. Started by run.js.
import Fastify from 'fastify';
import { compactDecrypt } from 'jose';
import { webcrypto } from 'node:crypto';

const secret = Buffer.from(process.env.BENCH_KEY, 'base64url');
const key = await webcrypto.subtle.importKey('raw', secret, { name: 'AES-GCM' }, false, ['decrypt']);
const app = Fastify({ logger: false });
app.post('/v1/verify/token', async (request) => {
  const { plaintext } = await compactDecrypt(request.body.token, key, {
    keyManagementAlgorithms: ['dir'],
    contentEncryptionAlgorithms: ['A256GCM'],
  });
  const claims = JSON.parse(new TextDecoder().decode(plaintext));
  return { valid: true, subject: claims.sub, bot: claims.aud, sessionId: claims.sid, permissions: claims.perms };
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
