import { AppError } from './app-error.js';

describe('AppError', () => {
  it('keeps code, status and the user-safe message', () => {
    const error = new AppError('token_expired', 'Please log in again.', 401);
    expect(error).toMatchObject({ code: 'token_expired', status: 401, message: 'Please log in again.' });
  });
});
