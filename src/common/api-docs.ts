import { applyDecorators } from '@nestjs/common';
import { ApiResponse, type ApiResponseOptions } from '@nestjs/swagger';
import { ERROR_CATALOG, type ErrorCode } from './error-catalog.js';

/** What `detail` says for the codes where the developer most needs it (SPEC.md "Errors for integrators"). */
const DETAIL_EXAMPLES: Partial<Record<ErrorCode, string>> = {
  invalid_request: 'subject must be 1-256 characters without spaces',
  unknown_bot: 'bot "shpo" is not configured; configured: shop, hr',
  unknown_action: 'action "orders.lokup" is not configured; configured: orders.lookup, orders.refund',
  unknown_role: 'role "admin" is not configured; configured: customer, support',
  unsupported_media_type: 'send the body as Content-Type: application/json (got "text/plain")',
  method_not_allowed: 'use POST',
};

function detailExample(code: ErrorCode): { detail?: string } {
  const detail = DETAIL_EXAMPLES[code];
  return detail === undefined ? {} : { detail };
}

/** OpenAPI response objects for error codes, one example per code, grouped by status. */
export function errorResponsesFor(codes: ErrorCode[]): Record<number, { description: string; content: Record<string, { examples: Record<string, unknown> }> }> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CATALOG[code][0];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, group]) => [
      status,
      {
        description: group.map((c) => `\`${c}\``).join(', '),
        content: {
          'application/json': {
            examples: Object.fromEntries(
              group.map((code) => [code, { value: { error: code, message: ERROR_CATALOG[code][1], ...detailExample(code), requestId: 'req-1' } }]),
            ),
          },
        },
      },
    ]),
  );
}

/** The same, as a decorator for Nest controller methods. */
export function ApiErrorResponses(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...Object.entries(errorResponsesFor(codes)).map(([status, response]) => ApiResponse({ status: Number(status), ...response } as ApiResponseOptions)));
}

type OpenApiResponses = Record<string, { description?: string; content?: Record<string, { examples?: Record<string, unknown> }> }>;

/**
 * Adds the errors any route can answer whatever its decorators say — the
 * generic 500; for a route with a body, one that is not valid, too large or of
 * another type; for a route with an API key, a missing, wrong or
 * under-scoped key — so every route documents an example for every code.
 * Runs on the finished document, Fastify-native routes included.
 */
export function addCommonErrorResponses(document: { paths: Record<string, object> }): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, { responses?: OpenApiResponses; requestBody?: unknown; security?: object[] }>)) {
      if (typeof operation !== 'object' || operation === null || !operation.responses) continue;
      const codes: ErrorCode[] = ['internal_error'];
      if (operation.requestBody) codes.push('invalid_request', 'payload_too_large', 'unsupported_media_type');
      if (operation.security?.some((requirement) => 'bearer' in requirement)) codes.push('api_key_missing', 'api_key_invalid', 'scope_missing');
      for (const [status, added] of Object.entries(errorResponsesFor(codes))) {
        const existing = operation.responses[status];
        const examples = existing?.content?.['application/json']?.examples;
        if (!existing) {
          operation.responses[status] = added;
        } else if (examples) {
          for (const [code, example] of Object.entries(added.content['application/json'].examples)) {
            if (examples[code] !== undefined) continue;
            examples[code] = example;
            existing.description = `${existing.description ?? ''}, \`${code}\``.replace(/^, /, '');
          }
        }
      }
    }
  }
}
