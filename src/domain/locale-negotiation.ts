/**
 * Which supported language a reader gets (SPEC 10): `?lang=`, else the Accept-Language header
 * by q-value, else English. A tag maps to a supported locale by exact match, then by its
 * language ('de-AT' → de, 'pt' or 'pt-PT' → pt-BR).
 */
import { DEFAULT_LOCALE, LOCALES, type Locale } from './locales';

/** The supported locale for one BCP 47 tag, or null. */
export function supportedLocale(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const clean = tag.trim().replace(/_/g, '-');
  if (!/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(clean)) return null;
  const lower = clean.toLowerCase();
  const exact = LOCALES.find((l) => l.toLowerCase() === lower);
  if (exact) return exact;
  const language = lower.split('-')[0];
  return LOCALES.find((l) => l.toLowerCase().split('-')[0] === language) ?? null;
}

/** Accept-Language entries, best first (q-value DESC, then header order); q=0 means "not this". */
export function parseAcceptLanguage(header: string | null | undefined): string[] {
  if (!header) return [];
  return header
    .slice(0, 1000)
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag.trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((e) => e.tag && e.tag !== '*' && e.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((e) => e.tag);
}

export function negotiateLocale(query: string | null | undefined, acceptLanguage: string | null | undefined): Locale {
  const asked = supportedLocale(query);
  if (asked) return asked;
  for (const tag of parseAcceptLanguage(acceptLanguage)) {
    const found = supportedLocale(tag);
    if (found) return found;
  }
  return DEFAULT_LOCALE;
}
