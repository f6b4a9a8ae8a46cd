/**
 * Checks every request input gets before anything reads it (SPEC.md "Errors
 * for integrators"): the body's content type, and strings that are not
 * well-formed UTF-16. A lone surrogate (`"\ud800"` in JSON) cannot be
 * encoded as UTF-8, so storing, signing or encrypting it fails or silently
 * changes it; it is refused as 400 `invalid_request` before any state is
 * written. The JSON parser marks such a body (and one that does not parse)
 * as MalformedJsonBody, which the validation pipe (Nest routes) and the
 * hook of the Fastify-native verify routes refuse after the API key check.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { appError } from './error-catalog.js';
import type { AppError } from './app-error.js';

export const JSON_MEDIA_TYPE = 'application/json';
export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/**
 * A JSON body that did not parse. Fastify's own parser (prototype poisoning
 * refused) runs as before, but a failure becomes this value instead of an
 * immediate 400, so the route's API key is checked first (SPEC.md "Errors
 * for integrators": key before body); validation then refuses it.
 */
export class MalformedJsonBody {
  constructor(readonly detail: string) {}
}

/** Replaces Fastify's `application/json` parser with the same one whose failures become MalformedJsonBody. */
export function installJsonBodyParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // parseAs: 'string' hands a string; the type also allows a Buffer.
    const text = typeof body === 'string' ? body : body.toString('utf8');
    parse(request, text, (error, value) => {
      if (error) return done(null, new MalformedJsonBody(describeJsonFailure(error)));
      // Text decoded from UTF-8 is well-formed; only a `\ud800`-style escape can make a lone surrogate, so most bodies skip the walk.
      const path = SURROGATE_ESCAPE.test(text) ? illFormedPath(value, 'body') : undefined;
      done(null, path === undefined ? value : new MalformedJsonBody(illFormedDetail(path)));
    });
  });
}

/** A JSON escape of a UTF-16 surrogate (`\uD800`–`\uDFFF`), paired or not. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

function describeJsonFailure(error: Error): string {
  const code = (error as { code?: string }).code;
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'the body is empty: send a JSON object';
  if (/prototype|constructor/i.test(error.message)) return 'the body has a __proto__ or constructor key, which is refused';
  return 'the request body is not valid JSON';
}

/** 400 `invalid_request` for a body that did not parse, or undefined. */
export function malformedBody(body: unknown): AppError | undefined {
  return body instanceof MalformedJsonBody ? appError('invalid_request', { detail: body.detail }) : undefined;
}

/** ES2024 String.prototype.isWellFormed (Node 20+); the project's TypeScript lib predates it. */
type WellFormedString = string & { isWellFormed(): boolean };

/** The path (`body.subject`, `body.roles.0`) of the first ill-formed string or key in `value`, or undefined. Iterative: bodies may nest deeply. */
export function illFormedPath(value: unknown, root: string): string | undefined {
  const pending: Array<[unknown, string]> = [[value, root]];
  while (pending.length > 0) {
    const [current, path] = pending.pop()!;
    if (typeof current === 'string') {
      if (!(current as WellFormedString).isWellFormed()) return path;
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, child] of Object.entries(current)) {
        const childPath = `${path}.${(key as WellFormedString).isWellFormed() ? key.slice(0, 64) : '?'}`;
        if (!(key as WellFormedString).isWellFormed()) return childPath;
        pending.push([child, childPath]);
      }
    }
  }
  return undefined;
}

function illFormedDetail(path: string): string {
  return `${path} is not well-formed text (a lone UTF-16 surrogate): send valid Unicode`;
}

/** 400 `invalid_request` naming the field that holds an ill-formed string, or undefined (query strings and path parameters; JSON bodies are checked as they are parsed). */
export function illFormedInput(value: unknown, root: string): AppError | undefined {
  const path = illFormedPath(value, root);
  return path === undefined ? undefined : appError('invalid_request', { detail: illFormedDetail(path) });
}

/** The media type of a Content-Type header value, lower case, without parameters. */
export function mediaTypeOf(contentType: string | string[] | undefined): string {
  return (typeof contentType === 'string' ? contentType : '').split(';', 1)[0].trim().toLowerCase();
}

/** Whether the request carries a body at all (GET /login has none; an empty POST may have none). */
export function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** 415 `unsupported_media_type` naming the expected type when a body comes as another, or undefined. */
export function unexpectedMediaType(headers: Record<string, string | string[] | undefined>, expected: readonly string[]): AppError | undefined {
  if (!hasBody(headers)) return undefined;
  const given = mediaTypeOf(headers['content-type']);
  if (expected.includes(given)) return undefined;
  return appError('unsupported_media_type', {
    detail: `send the body as Content-Type: ${expected.join(' or ')} (got ${given === '' ? 'no content type' : JSON.stringify(given.slice(0, 100))})`,
  });
}

/**
 * preValidation hook of the JSON-only Fastify-native routes: the content
 * type, then a body that did not parse or holds ill-formed text, before the schema (which would otherwise
 * answer "body must be object" for a text/plain JSON body).
 */
export function jsonBodyHook(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  done(unexpectedMediaType(request.headers, [JSON_MEDIA_TYPE]) ?? malformedBody(request.body));
}
