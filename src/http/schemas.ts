/** Shared zod building blocks for request validation. */
import { z } from 'zod';
import { isValidTimeZone } from '../domain/time';
import { normalizeNewlines, textProblem } from '../domain/text';

export const timeZone = z.string().max(64).refine(isValidTimeZone, 'Unknown IANA timezone');

export const clock = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'Use HH:MM (24-hour)');

export const isoInstant = z.iso.datetime({ offset: true }).transform((s) => new Date(s).getTime());

export const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'Not a real date');

export const idParam = z.strictObject({ id: z.coerce.number().int().positive().max(2 ** 31) });
export const textIdParam = z.strictObject({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/) });

type TextOptions = { multiline?: boolean; optional?: boolean };

/**
 * Text people type (names, titles, labels, notes, reasons, answers): trimmed, CRLF → LF,
 * refused with control or bidi-override characters, and needing a visible character. With
 * `optional`, blank ('' or whitespace only) is accepted as '' (callers treat it as absent).
 */
export function typedText(max: number, { multiline = false, optional = false }: TextOptions = {}) {
  return z
    .string()
    .overwrite(normalizeNewlines)
    .trim()
    .max(max, `At most ${max} characters`)
    .superRefine((s, ctx) => {
      if (s === '' && !optional) ctx.addIssue({ code: 'custom', message: 'Required' });
      const problem = textProblem(s, multiline);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}
