/**
 * What typed text may contain (SPEC 15 "Text input"): no control characters (multi-line fields
 * keep line breaks and tabs), no bidi embeddings, overrides or isolates (they make "Alice" and
 * "ecilA" look alike, and reorder what follows in emails and calendars), no lone surrogates,
 * and at least one visible character. Marks that only set direction (U+200E, U+200F, U+061C)
 * stay allowed: right-to-left names need them, and they reorder nothing around them.
 */

/** Every C0/C1 control, DEL, and the Unicode line/paragraph separators. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
/** The same, less LF and tab (CRLF is normalized to LF before this runs; a bare CR is refused). */
const CONTROL_MULTILINE = /[\0-\x08\x0B-\x1F\x7F-\x9F\u2028\u2029]/u;
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;
const LONE_SURROGATE = /\p{Cs}/u;
/** Something a reader can see: not whitespace, not default-ignorable (zero-width, fillers), not a lone mark. */
const VISIBLE = /[^\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}\p{M}\u2800]/u;

export const normalizeNewlines = (s: string) => s.replace(/\r\n/g, '\n');

export const hasVisibleCharacter = (s: string) => VISIBLE.test(s);

/** Why `s` is not acceptable typed text, or null when it is. Emptiness is the caller's rule. */
export function textProblem(s: string, multiline: boolean): string | null {
  if (LONE_SURROGATE.test(s)) return 'Contains an invalid character';
  if ((multiline ? CONTROL_MULTILINE : CONTROL).test(s)) {
    return multiline ? 'Remove control characters (line breaks are fine)' : 'Use a single line without control characters';
  }
  if (BIDI_CONTROL.test(s)) return 'Remove the text-direction control characters';
  if (s !== '' && !hasVisibleCharacter(s)) return 'Needs at least one visible character';
  return null;
}
