import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError } from './app-error.js';

/** DTO validation for every route: unknown fields and wrong types are a 400 `invalid_request` that names the fields. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors: ValidationError[]) =>
      new AppError('invalid_request', `Invalid request: ${describe(errors).join('; ')}`, 400),
  });
}

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => (prefix ? `${prefix}${m}` : m)),
    ...describe(e.children ?? [], `${prefix}${e.property}.`),
  ]);
}
