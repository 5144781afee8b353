import { zValidator } from '@hono/zod-validator';
import type { Context, ValidationTargets } from 'hono';
import { validator } from 'hono/validator';
import type { z, ZodType } from 'zod';
import { validationFailed } from './errors';

/**
 * zValidator that answers bad input with the error envelope. Malformed JSON also lands here:
 * hono's json target throws a 400 HTTPException, which onError maps to validation_failed.
 */
export const validate = <T extends ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) =>
  zValidator(target, schema, (result) => {
    if (!result.success) throw validationFailed(result.error as never);
  });

type Parsed = { schema: ZodType; value: unknown; result: z.ZodSafeParseResult<unknown> };
const parses = new WeakMap<Request, Parsed>();

/**
 * One request's body through one schema, parsed once: a middleware that looked at the body
 * first (the booking guard) and the route's validator share the verdict.
 */
export function parseOnce<T extends ZodType>(request: Request, schema: T, value: unknown): z.ZodSafeParseResult<z.output<T>> {
  const kept = parses.get(request);
  if (kept && kept.schema === schema && kept.value === value) return kept.result as z.ZodSafeParseResult<z.output<T>>;
  const result = schema.safeParse(value);
  parses.set(request, { schema, value, result });
  return result as z.ZodSafeParseResult<z.output<T>>;
}

/** Like validate('json', schema), reusing a parse a middleware already made of this same body (parseOnce). */
export const validateJson = <T extends ZodType>(schema: T) =>
  validator('json', (value, c): z.output<T> => {
    const result = parseOnce(c.req.raw, schema, value);
    if (!result.success) throw validationFailed(result.error as never);
    return result.data;
  });

/**
 * A form post's fields. A body the runtime cannot parse (a broken multipart, a wrong content
 * type) is bad input like any other: 400 with the envelope, not a 500.
 */
export async function formBody(c: Context, options: { all?: boolean } = {}): Promise<Record<string, string | File | (string | File)[]>> {
  try {
    return await c.req.parseBody({ all: options.all ?? false });
  } catch {
    throw validationFailed([{ path: [], message: 'The form could not be read' }]);
  }
}
