import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';

export type ErrorCode =
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'already_booked'
  | 'invalid_state'
  | 'unavailable'
  | 'rate_limited';

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  already_booked: 409,
  invalid_state: 409,
  unavailable: 503,
  rate_limited: 429,
};

export type Issue = { path: (string | number)[]; message: string; code?: string };

/** The one error type routes throw; app.onError turns it into the envelope. */
export class ApiError extends HTTPException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: Issue[],
    /** Seconds for a Retry-After header (503, 429): the caller may simply try again. */
    readonly retryAfter?: number,
  ) {
    super(STATUS[code], { message });
  }
}

export const notFound = (what = 'Not found') => new ApiError('not_found', what);
export const forbidden = (what = 'You do not have permission to do that') => new ApiError('forbidden', what);
export const invalidState = (what: string) => new ApiError('invalid_state', what);
export const rateLimited = (retryAfterSeconds: number) =>
  new ApiError('rate_limited', 'Too many requests, try again in a moment', undefined, retryAfterSeconds);
export const alreadyBooked = () => new ApiError('already_booked', 'That time was just booked, pick another');

export function validationFailed(error: ZodError | Issue[], message = 'The request is not valid'): ApiError {
  const issues = Array.isArray(error)
    ? error
    : error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message, code: i.code }));
  return new ApiError('validation_failed', message, issues);
}

export function envelope(code: ErrorCode, message: string, issues?: Issue[]) {
  return { error: issues ? { code, message, issues } : { code, message } };
}
