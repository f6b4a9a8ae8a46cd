import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import Fastify, { type FastifyInstance } from 'fastify';
import { VerifySignatureDto } from './dto/verify-signature.dto.js';
import { VERIFY_SIGNATURE_REQUEST } from './verify-signature.schema.js';

// `/v1/verify/signature` validates with the JSON Schema (compiled by Fastify,
// with the app's ajv options); `/v1/verify/webhook` with the DTO. Both must
// accept and refuse the same forwarded requests.
// A real loopback server: Jest's ESM mode cannot load inject()'s dependencies on Node 20.
let fastify: FastifyInstance;
let url: string;

beforeAll(async () => {
  fastify = Fastify({ ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, keywords: ['example'] } } });
  fastify.post('/check', { schema: { body: VERIFY_SIGNATURE_REQUEST } }, async () => ({ ok: true }));
  url = `${await fastify.listen({ port: 0, host: '127.0.0.1' })}/check`;
});

afterAll(() => fastify.close());

async function schemaAccepts(payload: unknown): Promise<boolean> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  return response.status === 200;
}

function dtoAccepts(payload: unknown): boolean {
  const instance = plainToInstance(VerifySignatureDto, payload);
  return validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }).length === 0;
}

const base = { bot: 'shop', headers: { 'x-signature': 'abc' }, body: '{}' };
const CASES: Array<[string, boolean, unknown]> = [
  ['minimal', true, base],
  ['every field', true, { ...base, method: 'get', url: 'https://bot.example.com/hook?x=1', clientIp: '203.0.113.7' }],
  ['bodyBase64 instead of body', true, { bot: 'shop', headers: {}, bodyBase64: 'e30=' }],
  ['an IPv6 clientIp', true, { ...base, clientIp: '2001:db8::1' }],
  ['an IPv4-mapped IPv6 clientIp', true, { ...base, clientIp: '::ffff:203.0.113.9' }],
  ['a repeated header', true, { ...base, headers: { 'x-a': ['1', '2'] } }],
  ['no bot', false, { headers: {}, body: '' }],
  ['bot with a space', false, { ...base, bot: 'sh op' }],
  ['bot too long', false, { ...base, bot: 'b'.repeat(129) }],
  ['method with a space', false, { ...base, method: 'PO ST' }],
  ['method too long', false, { ...base, method: 'A'.repeat(17) }],
  ['url too long', false, { ...base, url: `https://x/${'a'.repeat(8192)}` }],
  ['no headers', false, { bot: 'shop', body: '' }],
  ['headers an array', false, { ...base, headers: ['x'] }],
  ['a number header', false, { ...base, headers: { 'x-a': 1 } }],
  ['an object header', false, { ...base, headers: { 'x-a': { b: 'c' } } }],
  ['an empty header list', false, { ...base, headers: { 'x-a': [] } }],
  ['a header repeated 17 times', false, { ...base, headers: { 'x-a': Array.from({ length: 17 }, () => 'v') } }],
  ['a header name with a space', false, { ...base, headers: { 'x a': 'v' } }],
  ['a header value over 16 KiB', false, { ...base, headers: { 'x-a': 'v'.repeat(16 * 1024 + 1) } }],
  ['101 headers', false, { ...base, headers: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`x-${i}`, 'v'])) }],
  ['body a number', false, { ...base, body: 1 }],
  ['bodyBase64 an object', false, { bot: 'shop', headers: {}, bodyBase64: {} }],
  ['clientIp a name', false, { ...base, clientIp: 'localhost' }],
  ['clientIp out of range', false, { ...base, clientIp: '999.1.1.1' }],
  ['clientIp with a port', false, { ...base, clientIp: '203.0.113.9:443' }],
  ['clientIp in brackets', false, { ...base, clientIp: '[2001:db8::1]' }],
  ['an unknown field', false, { ...base, extra: 1 }],
];

describe('the JSON Schema and the DTO of a forwarded webhook', () => {
  it.each(CASES)('%s: both accept it: %p', async (_name, expected, payload) => {
    expect({ schema: await schemaAccepts(payload), dto: dtoAccepts(payload) }).toEqual({ schema: expected, dto: expected });
  });
});
