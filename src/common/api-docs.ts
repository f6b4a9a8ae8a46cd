import { applyDecorators } from '@nestjs/common';
import { ApiResponse, type ApiResponseOptions } from '@nestjs/swagger';
import { ERROR_CATALOG, type ErrorCode } from './error-catalog.js';

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
              group.map((code) => [code, { value: { error: code, message: ERROR_CATALOG[code][1], requestId: 'req-1' } }]),
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
