import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
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
