/** Languages the product speaks to bookers and hosts (SPEC 10). The first is the fallback. */
export const LOCALES = ['en', 'de', 'fr', 'es', 'pt-BR'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';
