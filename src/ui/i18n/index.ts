/**
 * The booker-facing catalogues (one per language, each checked against `Messages` at compile
 * time) and the small helpers every page and email formats with: placeholders, plural forms
 * (Intl.PluralRules), name lists (Intl.ListFormat) and dates and times (Intl.DateTimeFormat) in
 * the reader's locale and zone.
 */
import { LOCALES, type Locale } from '../../domain/locales';
import { en, type Messages } from './en';
import { de } from './de';
import { fr } from './fr';
import { es } from './es';
import { ptBR } from './pt-BR';

export type { Messages } from './en';

export const CATALOGUES: Record<Locale, Messages> = { en, de, fr, es, 'pt-BR': ptBR };

export const messages = (locale: Locale): Messages => CATALOGUES[locale] ?? en;

export type Plural = { one: string; other: string; few?: string; many?: string; zero?: string; two?: string };

/** `{name}` placeholders filled from `values`; an unknown name stays as written. */
export const fill = (template: string, values: Record<string, string | number> = {}) =>
  template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));

const pluralRules = new Map<Locale, Intl.PluralRules>();

/** The plural form of `n` in `locale`, with `{n}` filled in (locale digits). */
export function plural(locale: Locale, forms: Plural, n: number): string {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  const form = forms[rules.select(n) as keyof Plural] ?? forms.other;
  return fill(form, { n: n.toLocaleString(locale) });
}

/** "Ana, Ben and Cleo" in the reader's language. */
export const nameList = (locale: Locale, names: string[]) => new Intl.ListFormat(locale, { type: 'conjunction' }).format(names);

const formatters = new Map<string, Intl.DateTimeFormat>();

export type DateStyle = 'full' | 'date' | 'time' | 'dayMonth' | 'short' | 'shortDate';
const STYLES: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  full: { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit' },
  date: { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' },
  time: { hour: 'numeric', minute: '2-digit' },
  dayMonth: { weekday: 'short', month: 'short', day: 'numeric' },
  short: { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit' },
  shortDate: { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' },
};

/** A date/time in `zone` as `locale` writes it ("Donnerstag, 3. Dezember 2026 um 10:00"). */
export function formatDate(locale: Locale, ms: number, zone: string, style: DateStyle): string {
  const key = `${locale}|${zone}|${style}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(locale, { ...STYLES[style], timeZone: zone })));
  return f.format(ms);
}

/** "Donnerstag, 3. Dezember 2026, 10:00–10:30" (an interval within one day, the reader's way). */
export function formatRange(locale: Locale, start: number, end: number, zone: string): string {
  const key = `${locale}|${zone}|range`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(locale, { ...STYLES.full, timeZone: zone })));
  return f.formatRange(start, end);
}

/** The zone's name in the reader's language ("Central European Standard Time"), else its id. */
export function zoneName(locale: Locale, ms: number, zone: string): string {
  const part = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'long' }).formatToParts(ms).find((p) => p.type === 'timeZoneName');
  return part?.value ?? zone;
}

export const isLocale = (s: string): s is Locale => (LOCALES as readonly string[]).includes(s);

/** Whether every catalogue has every key of English, with no empty string (the runtime twin of the type check). */
export function catalogueProblems(): string[] {
  const problems: string[] = [];
  const walk = (locale: string, ref: unknown, value: unknown, path: string) => {
    if (typeof ref === 'string') {
      if (typeof value !== 'string' || !value.trim()) problems.push(`${locale}: ${path} missing or empty`);
      return;
    }
    for (const key of Object.keys(ref as object)) walk(locale, (ref as Record<string, unknown>)[key], (value as Record<string, unknown> | undefined)?.[key], path ? `${path}.${key}` : key);
    for (const key of Object.keys((value as object) ?? {})) if (!(key in (ref as object)) && !['few', 'many', 'zero', 'two'].includes(key)) problems.push(`${locale}: ${path}.${key} unknown`);
  };
  for (const locale of LOCALES) walk(locale, en, CATALOGUES[locale], '');
  return problems;
}
