import { formatError } from './graphql-options.js';

describe('formatError', () => {
  it('keeps a known code and its message', () => {
    expect(formatError({ message: 'No such report', extensions: { code: 'NOT_FOUND' } })).toEqual({ message: 'No such report', extensions: { code: 'NOT_FOUND' } });
  });

  it('hides the message of an internal error and of an unknown code', () => {
    expect(formatError({ message: 'relation "seizures" does not exist', extensions: { code: 'INTERNAL_SERVER_ERROR' } })).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(formatError({ message: 'connect ECONNREFUSED 10.0.0.5:5432', extensions: { code: 'ESOMETHING' } })).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it("answers graphql-js's variable error limit as the caller's bad input, not an internal error", () => {
    const message = 'Too many errors processing variables, error limit reached. Execution aborted.';
    expect(formatError({ message, extensions: { code: 'INTERNAL_SERVER_ERROR' } })).toEqual({ message, extensions: { code: 'BAD_USER_INPUT' } });
    expect(formatError({ message })).toEqual({ message, extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('drops stack traces and HTTP details from extensions', () => {
    const formatted = formatError({ message: 'Bad', extensions: { code: 'BAD_USER_INPUT', stacktrace: ['at x (/a.js:1:1)'], http: { status: 400 }, fields: ['input.x'] } });
    expect(formatted).toEqual({ message: 'Bad', extensions: { code: 'BAD_USER_INPUT', fields: ['input.x'] } });
  });
});
