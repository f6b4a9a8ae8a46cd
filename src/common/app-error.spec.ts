import { StoreUnavailableError } from '../store/store.js';
import { SsoError } from '../sso/sso-errors.js';
import { AppError } from './app-error.js';
import { appError, ERROR_CATALOG, unknownName } from './error-catalog.js';
import { describeError } from './error.filter.js';

describe('one error model', () => {
  it('appError takes status and message from the catalog and keeps detail apart from the message', () => {
    const error = appError('unknown_role', { detail: 'role "x" is not configured' });
    expect(error).toMatchObject({ code: 'unknown_role', status: 400, message: ERROR_CATALOG.unknown_role[1], detail: 'role "x" is not configured' });
    expect(describeError(error, 'r1').body).toEqual({
      error: 'unknown_role',
      message: ERROR_CATALOG.unknown_role[1],
      detail: 'role "x" is not configured',
      requestId: 'r1',
    });
  });

  it('the store being down is an AppError like the rest: 503 store_unavailable, the cause never in the body', () => {
    const error = new StoreUnavailableError(new Error('connect ECONNREFUSED 10.0.0.7:6379 password=hunter2'));
    expect(error).toBeInstanceOf(AppError);
    const { status, body } = describeError(error, 'r2');
    expect(status).toBe(503);
    expect(body.error).toBe('store_unavailable');
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|10\.0\.0\.7|hunter2/);
  });

  it('SSO codes are catalog codes with the catalog status', () => {
    const error = new SsoError('sso_provider_unavailable');
    expect([error.status, error.message]).toEqual([...ERROR_CATALOG.sso_provider_unavailable]);
  });

  it('unknownName names the name, and the configured ones only when given', () => {
    expect(unknownName('unknown_bot', 'shpo', ['shop', 'hr']).detail).toBe('bot "shpo" is not configured; configured: shop, hr');
    expect(unknownName('unknown_bot', 'shpo').detail).toBe('bot "shpo" is not configured');
    expect(unknownName('unknown_action', 'x'.repeat(500)).detail?.length).toBeLessThan(160);
  });

  it('a framework error gets the catalog code of its status, never a stack', () => {
    const { status, body } = describeError(Object.assign(new Error('at foo (x.js:1:2)'), { statusCode: 415 }), 'r3');
    expect([status, body.error, body.message]).toEqual([415, 'unsupported_media_type', ERROR_CATALOG.unsupported_media_type[1]]);
    expect(describeError(new TypeError('boom'), 'r4')).toEqual({ status: 500, body: { error: 'internal_error', message: ERROR_CATALOG.internal_error[1], requestId: 'r4' } });
  });
});
