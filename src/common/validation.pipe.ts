import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { appError } from './error-catalog.js';
import { illFormedInput, malformedBody } from './request-input.js';

/**
 * DTO validation for every Nest route: ill-formed strings, null fields,
 * unknown fields and wrong types are a 400 `invalid_request` whose `detail` names the fields
 * (never their values); the end-user `message` stays the catalog's.
 */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const malformed = metadata.type === 'body' ? malformedBody(value) : undefined;
    if (malformed) throw malformed;
    if (metadata.type === 'query' || metadata.type === 'param') {
      const illFormed = illFormedInput(value, metadata.type === 'param' ? `path.${metadata.data ?? ''}` : metadata.type);
      if (illFormed) throw illFormed;
    }
    // class-validator's @IsOptional lets null through to the service (`roles: null` was a 500): absent is how a field is left out.
    if (metadata.type === 'body' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const nulled = Object.keys(value).find((key) => (value as Record<string, unknown>)[key] === null);
      if (nulled !== undefined) throw appError('invalid_request', { detail: `body.${nulled.slice(0, 64)} is null: leave the field out instead` });
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors: ValidationError[]) => appError('invalid_request', { detail: describe(errors).join('; ') }),
  });
}

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => (prefix ? `${prefix}${m}` : m)),
    ...describe(e.children ?? [], `${prefix}${e.property}.`),
  ]);
}
