/**
 * The error codes a client can see in `extensions.code`. Every failure the platform reports on
 * purpose is a DomainError with one of these codes; anything else is an internal error and is
 * reported without details.
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'SIGNATURE_INVALID',
  'DECRYPTION_FAILED',
  'KEY_REVOKED',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'SERVICE_UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Details safe to show to the caller (never stack traces, SQL or secrets). */
export type ErrorDetails = Record<string, string | number | boolean | string[] | null>;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Missing or invalid credentials') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Not allowed') {
    super('FORBIDDEN', message);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} not found`);
  }
}

/** Bad input; `fields` names the offending input paths so a client can point at them. */
export class BadUserInputError extends DomainError {
  constructor(message: string, fields: string[] = []) {
    super('BAD_USER_INPUT', message, { fields });
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

/** Too many requests from the caller's agency (or `whose`); `retryAfterSeconds` says when a request will be admitted again. */
export class RateLimitedError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    whose = 'your agency',
  ) {
    super('RATE_LIMITED', `Rate limit exceeded for ${whose}; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

/**
 * The database cannot be reached: nothing was read or written, and the same request can be sent
 * again after `retryAfterSeconds` (HTTP 503 with Retry-After).
 */
export class ServiceUnavailableError extends DomainError {
  constructor(readonly retryAfterSeconds = 5) {
    super('SERVICE_UNAVAILABLE', 'The database is unavailable; nothing was changed. Try again shortly', { retryAfterSeconds });
  }
}
