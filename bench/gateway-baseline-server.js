// The baseline for bench/gateway.js: a bare Fastify + @fastify/reply-from
// proxy in front of the same upstream, forwarding the raw body to the same
// path, with no checks at all — what any reverse proxy costs.
import Fastify from 'fastify';
import replyFrom from '@fastify/reply-from';

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
await app.register(replyFrom, { base: process.env.UPSTREAM, undici: { connections: 128, keepAliveTimeout: 4000 } });
app.post('/hooks/:bot/:action', (request, reply) => reply.from(`/chat/${encodeURIComponent(request.params.action)}`));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
