/** SPEC 10 languages: which one a reader gets, and that every catalogue says everything. */
import { describe, expect, it } from 'vitest';
import { negotiateLocale, parseAcceptLanguage, supportedLocale } from '../../src/domain/locale-negotiation';
import { CATALOGUES, catalogueProblems, plural } from '../../src/ui/i18n';
import { en } from '../../src/ui/i18n/en';
import { LOCALES } from '../../src/domain/locales';

describe('locale negotiation', () => {
  it('?lang= wins over Accept-Language', () => {
    expect(negotiateLocale('de', 'fr-FR,fr;q=0.9')).toBe('de');
    expect(negotiateLocale('pt-br', 'en')).toBe('pt-BR');
  });

  it('an unknown or malformed ?lang= falls back to Accept-Language, then English', () => {
    expect(negotiateLocale('xx', 'es')).toBe('es');
    expect(negotiateLocale('<script>', 'fr')).toBe('fr');
    expect(negotiateLocale('ja', null)).toBe('en');
    expect(negotiateLocale(null, null)).toBe('en');
    expect(negotiateLocale(undefined, '')).toBe('en');
  });

  it('Accept-Language by q-value, then by order, skipping q=0 and languages we do not speak', () => {
    expect(negotiateLocale(null, 'fr;q=0.5, de;q=0.9')).toBe('de');
    expect(negotiateLocale(null, 'ja, zh;q=0.9, es;q=0.1')).toBe('es');
    expect(negotiateLocale(null, 'de;q=0, fr;q=0.2')).toBe('fr');
    expect(negotiateLocale(null, 'fr, de')).toBe('fr');
    expect(negotiateLocale(null, '*')).toBe('en');
    expect(negotiateLocale(null, ';;;,,q=1')).toBe('en');
    expect(parseAcceptLanguage('en-US,en;q=0.9,de;q=0.8')).toEqual(['en-US', 'en', 'de']);
  });

  it('maps regional tags to the language we speak', () => {
    expect(supportedLocale('de-AT')).toBe('de');
    expect(supportedLocale('de-CH')).toBe('de');
    expect(supportedLocale('pt')).toBe('pt-BR');
    expect(supportedLocale('pt-PT')).toBe('pt-BR');
    expect(supportedLocale('es-MX')).toBe('es');
    expect(supportedLocale('fr_CA')).toBe('fr');
    expect(supportedLocale('EN-gb')).toBe('en');
    expect(supportedLocale('nl')).toBeNull();
    expect(supportedLocale('')).toBeNull();
  });
});

describe('message catalogues', () => {
  it('every language has every key of English, none empty', () => {
    expect(catalogueProblems()).toEqual([]);
    const shape = (o: object): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [k] : shape(v as object).filter((x) => ['one', 'other'].includes(x)).map((x) => `${k}.${x}`)));
    for (const locale of LOCALES) expect(shape(CATALOGUES[locale]), locale).toEqual(shape(en));
  });

  it('placeholders survive translation', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const locale of LOCALES) {
      for (const [key, value] of Object.entries(en)) {
        if (typeof value === 'string') expect(names((CATALOGUES[locale] as unknown as Record<string, string>)[key]), `${locale}.${key}`).toEqual(names(value));
      }
    }
  });

  it('plural forms through Intl.PluralRules', () => {
    expect(plural('en', en.timesCount, 1)).toBe('1 time');
    expect(plural('en', en.timesCount, 6)).toBe('6 times');
    expect(plural('de', CATALOGUES.de.timesCount, 1)).toBe('1 Termin');
    expect(plural('de', CATALOGUES.de.timesCount, 12)).toBe('12 Termine');
    // French counts 0 as singular.
    expect(plural('fr', CATALOGUES.fr.seatsLeft, 0)).toBe('0 place restante');
  });
});
