import Fastify from 'fastify';
import { installRequestContext, requestLogFields } from './request-context.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('request context', () => {
  it('gives each request its own id across awaits, also when another request ends in between, and none outside', async () => {
    const app = Fastify({ genReqId: (request) => String(request.headers['x-request-id']) });
    installRequestContext(app, ['/fast']);
    const seen: Record<string, object[]> = {};
    app.get('/slow', async (request) => {
      const id = String(request.id);
      seen[id] = [requestLogFields()];
      await pause(Number((request.query as { wait: string }).wait));
      seen[id].push(requestLogFields());
      await Promise.resolve();
      seen[id].push(requestLogFields());
      return {};
    });
    app.get('/fast', async () => ({ fields: requestLogFields() }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    try {
      // `a` ends while `b` still waits: switching the storage off when nothing is in flight must not cut `b` off.
      await Promise.all([
        fetch(`${url}/slow?wait=10`, { headers: { 'x-request-id': 'a' } }),
        fetch(`${url}/slow?wait=80`, { headers: { 'x-request-id': 'b' } }),
      ]);
      expect(seen).toEqual({ a: Array(3).fill({ requestId: 'a' }), b: Array(3).fill({ requestId: 'b' }) });
      const fast = await (await fetch(`${url}/fast`, { headers: { 'x-request-id': 'c' } })).json();
      expect(fast).toEqual({ fields: {} });
      expect(requestLogFields()).toEqual({});
    } finally {
      await app.close();
    }
  });

  it('returns a fresh object each time (pino assigns the line onto it)', () => {
    const first = requestLogFields();
    expect(requestLogFields()).not.toBe(first);
  });
});
