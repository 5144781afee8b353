import { zValidator } from '@hono/zod-validator';
import type { Context, ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import { validationFailed } from './errors';

/**
 * zValidator that answers bad input with the error envelope. Malformed JSON also lands here:
 * hono's json target throws a 400 HTTPException, which onError maps to validation_failed.
 */
export const validate = <T extends ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) =>
  zValidator(target, schema, (result) => {
    if (!result.success) throw validationFailed(result.error as never);
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
