import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ERROR_CATALOG, type ErrorCode } from './error-catalog.js';

/** OpenAPI responses for the error codes a route can answer, one example per code, grouped by status. */
export function ApiErrorResponses(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CATALOG[code][0];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, group]) =>
      ApiResponse({
        status,
        description: group.map((c) => `\`${c}\``).join(', '),
        content: {
          'application/json': {
            examples: Object.fromEntries(
              group.map((code) => [code, { value: { error: code, message: ERROR_CATALOG[code][1], requestId: 'req-1' } }]),
            ),
          },
        },
      }),
    ),
  );
}
