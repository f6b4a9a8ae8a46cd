/**
 * The OpenAPI document at /docs/openapi.json is complete: every operation has
 * a success example, every error status it documents has an example per
 * code in the shape the API answers (`{ error, message, requestId }`, with
 * the catalog's status and message), and no operation forgets the errors any
 * route of its kind can answer — a bad, oversized or mistyped body, a missing
 * or wrong API key, the generic 500.
 */
import { ERROR_CATALOG, type ErrorCode } from '../src/common/error-catalog.js';
import { startTestApp, type TestApp } from './support/test-app.js';

type Json = Record<string, unknown>;
interface Operation {
  operationId?: string;
  security?: Array<Record<string, unknown>>;
  requestBody?: unknown;
  responses: Record<string, { description?: string; content?: Record<string, Json> }>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

let t: TestApp;
let document: { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Json> } };
let operations: Array<[string, Operation]>;

beforeAll(async () => {
  t = await startTestApp((config) => {
    const bots = config.bots as Record<string, Record<string, unknown>>;
    bots.shop.webhook = { scheme: 'chatbase', secrets: [{ env: 'SHOP_WEBHOOK_SECRET' }] };
  }, { SHOP_WEBHOOK_SECRET: 'openapi-test-secret-0123456789' });
  const response = await fetch(`${t.url}/docs/openapi.json`);
  expect(response.status).toBe(200);
  document = (await response.json()) as typeof document;
  operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${path}`, operation]),
  );
});
afterAll(() => t?.close());

/** An example the docs can show for `schema`, built like Swagger UI does from property examples; undefined if some required part has none. */
function exampleFromSchema(schema: Json | undefined, depth = 0): unknown {
  if (!schema || depth > 8) return undefined;
  if (typeof schema.$ref === 'string') return exampleFromSchema(document.components?.schemas?.[schema.$ref.split('/').pop()!], depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ['oneOf', 'anyOf', 'allOf']) {
    const options = schema[key] as Json[] | undefined;
    if (options?.length) return exampleFromSchema(options[0], depth + 1);
  }
  if (schema.type === 'array') {
    const item = exampleFromSchema(schema.items as Json, depth + 1);
    return item === undefined ? undefined : [item];
  }
  const properties = schema.properties as Record<string, Json> | undefined;
  if (properties) {
    const required = new Set((schema.required as string[] | undefined) ?? Object.keys(properties));
    const example: Json = {};
    for (const [name, property] of Object.entries(properties)) {
      const value = exampleFromSchema(property, depth + 1);
      if (value === undefined && required.has(name)) return undefined;
      if (value !== undefined) example[name] = value;
    }
    return example;
  }
  return undefined;
}

/** The example a response shows: given as is, among `examples`, or built from its schema. */
function exampleOf(response: Operation['responses'][string]): unknown {
  for (const media of Object.values(response.content ?? {})) {
    if (media.example !== undefined) return media.example;
    const examples = media.examples as Record<string, { value: unknown }> | undefined;
    if (examples && Object.keys(examples).length > 0) return Object.values(examples)[0].value;
    const built = exampleFromSchema(media.schema as Json | undefined);
    if (built !== undefined) return built;
  }
  return undefined;
}

function successExample(operation: Operation): unknown {
  const success = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
  return success.map(([, response]) => exampleOf(response)).find((example) => example !== undefined);
}

/** Error code -> [status, example body] for every error example of `operation`. */
function errorExamples(operation: Operation): Map<string, Array<[number, Json]>> {
  const found = new Map<string, Array<[number, Json]>>();
  for (const [status, response] of Object.entries(operation.responses)) {
    if (Number(status) < 400) continue;
    for (const media of Object.values(response.content ?? {})) {
      for (const example of Object.values((media.examples ?? {}) as Record<string, { value: Json }>)) {
        const code = String(example.value.error ?? example.value.status);
        found.set(code, [...(found.get(code) ?? []), [Number(status), example.value]]);
      }
    }
  }
  return found;
}

describe('/docs/openapi.json', () => {
  it('documents every route of the HTTP API', () => {
    const names = operations.map(([name]) => name);
    for (const route of ['POST /v1/verify/token', 'POST /v1/verify/signature', 'POST /v1/verify/webhook', 'POST /oauth/introspect', 'POST /v1/tokens', 'POST /v1/tokens/refresh', 'POST /logout', 'POST /v1/sessions/revoke', 'GET /health/live', 'GET /health/ready', 'GET /metrics']) {
      expect(names).toContain(route);
    }
  });

  it('has a success example for every operation', () => {
    const withoutExample = operations.filter(([, operation]) => successExample(operation) === undefined).map(([name]) => name);
    expect(withoutExample).toEqual([]);
  });

  it('has an example for every error status it documents, and each example is shaped like the answer', () => {
    const problems: string[] = [];
    for (const [name, operation] of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        if (exampleOf(response) === undefined) problems.push(`${name} ${status}: no example`);
      }
      for (const [code, uses] of errorExamples(operation)) {
        if (!(code in ERROR_CATALOG)) continue;
        const [status, message] = ERROR_CATALOG[code as ErrorCode];
        for (const [documentedStatus, body] of uses) {
          if (documentedStatus !== status) problems.push(`${name}: ${code} documented under ${documentedStatus}, answered with ${status}`);
          if (typeof body.requestId !== 'string') problems.push(`${name}: ${code} example without requestId`);
          if (body.message !== message && !('stage' in body)) problems.push(`${name}: ${code} example message differs from the catalog`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('documents the errors every route of its kind can answer', () => {
    const missing: string[] = [];
    for (const [name, operation] of operations) {
      const codes = errorExamples(operation);
      const expected: ErrorCode[] = ['internal_error'];
      if (operation.requestBody) expected.push('invalid_request', 'payload_too_large', 'unsupported_media_type');
      if (operation.security?.some((requirement) => 'bearer' in requirement)) expected.push('api_key_missing', 'api_key_invalid', 'scope_missing');
      for (const code of expected) if (!codes.has(code)) missing.push(`${name}: ${code}`);
    }
    expect(missing).toEqual([]);
  });

  it('documents the verify error codes of SPEC.md on the verify routes', () => {
    const codesOf = (route: string) => {
      const operation = operations.find(([name]) => name === route);
      if (!operation) throw new Error(`${route} is not documented`);
      return [...errorExamples(operation[1]).keys()];
    };
    expect(codesOf('POST /v1/verify/token')).toEqual(
      expect.arrayContaining(['token_missing', 'token_malformed', 'token_invalid', 'token_expired', 'session_revoked', 'wrong_bot', 'conversation_mismatch', 'permission_denied', 'store_unavailable']),
    );
    expect(codesOf('POST /v1/verify/signature')).toEqual(expect.arrayContaining(['signature_missing', 'signature_invalid', 'timestamp_invalid', 'replayed']));
    expect(codesOf('POST /v1/verify/webhook')).toEqual(expect.arrayContaining(['signature_invalid', 'token_expired', 'permission_denied']));
  });
});
