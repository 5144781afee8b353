import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { addRoundTrips, getDb, settleRoundTrips, type Db } from '../db/client';
import { bufferedInterval } from '../domain/slots';
import { carryBookmark, readDb, readSessionBookmark } from '../http/d1-session';
import { loadPageBySlug, publicPageJson, type PageWithHosts } from '../db/pages';
import { validateAnswers } from '../domain/questions';
import { hashToken, newManageToken } from '../domain/tokens';
import { ApiError, notFound, validationFailed } from '../http/errors';
import { isoInstant, timeZone, typedText } from '../http/schemas';
import { validate } from '../http/validate';
import { runUnderHostLocks } from '../host-schedule';
import { manageUrlFor, type ReservationResult } from '../services/reservations';
import { afterCommit } from '../services/after-commit';
import { loadPublicBooking, publicSlots } from '../services/public-booking';
import { manageRoutes } from './manage';
import { negotiateLocale, supportedLocale } from '../domain/locale-negotiation';

/** A BCP 47 language tag, as Intl reads it ('pt-br' → 'pt-BR'); nonsense is a 400. */
const languageTag = z
  .string()
  .max(35)
  .transform((tag, ctx) => {
    try {
      return Intl.getCanonicalLocales(tag)[0];
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Not a BCP 47 language tag' });
      return z.NEVER;
    }
  });

const slugParam = z.strictObject({ slug: z.string().regex(/^[a-z0-9-]{3,64}$/, 'Not a valid page') });

const MAX_WINDOW_MS = 62 * 86_400_000;

const slotsQuery = z
  .strictObject({ from: isoInstant, to: isoInstant, timezone: timeZone.optional() })
  .refine((q) => q.to > q.from, { message: '`to` must be after `from`', path: ['to'] })
  .refine((q) => q.to - q.from <= MAX_WINDOW_MS, { message: 'At most 62 days at a time', path: ['to'] });

export const bookingRequest = z.strictObject({
  start: isoInstant,
  name: typedText(200),
  email: z.email().max(254).transform((e) => e.toLowerCase()),
  phone: z.string().trim().max(40).regex(/^[0-9+()\-. ]*$/, 'Use digits, spaces and + ( ) - .').optional(),
  notes: typedText(5000, { multiline: true, optional: true }).optional(),
  timezone: timeZone.optional(),
  // The booker's language for their emails; a language we don't speak falls back like Accept-Language.
  locale: languageTag.optional(),
  // Per question type (one line or several, required or not) in validateAnswers.
  answers: z.record(z.string().max(64), z.union([typedText(5000, { multiline: true, optional: true }), z.boolean()])).optional(),
  turnstileToken: z.string().min(1).max(2048).optional(), // checked by http/booking-guard.ts when Turnstile is on
});

/** Maps a failed reservation to the API error; success passes through. */
export function reservationError(result: Exclude<ReservationResult, { ok: true }>): ApiError {
  if (result.code === 'validation_failed') return validationFailed([{ path: ['start'], message: result.message }], result.message);
  if (result.code === 'internal') throw new Error(result.message);
  // The host's Durable Object went away mid-call (reset, deploy): transient, the caller may retry.
  if (result.code === 'unavailable') return new ApiError('unavailable', result.message, undefined, 2);
  return new ApiError(result.code, result.message);
}

/**
 * Pages this isolate read lately, by slug. A booking POST starts from this copy instead of
 * reading the page again: the host's object re-reads the page in its own read batch and answers
 * pageChanged when the copy is out of date, and the POST then reads it and tries again.
 */
const recentPages = new Map<string, { page: PageWithHosts; at: number }>();
const RECENT_MS = 30_000;

async function activePage(db: Db, slug: string) {
  const page = await loadPageBySlug(db, slug);
  if (!page || !page.active) {
    recentPages.delete(slug);
    throw notFound('This scheduling page does not exist');
  }
  if (recentPages.size > 500) recentPages.clear();
  recentPages.set(slug, { page, at: Date.now() });
  return page;
}

const recent = (slug: string) => {
  const kept = recentPages.get(slug);
  return kept && Date.now() - kept.at < RECENT_MS ? kept.page : undefined;
};

/** One attempt at the booking under its hosts' locks, with the page as this request knows it. */
async function reserve(c: Context<AppEnv>, page: PageWithHosts, body: z.infer<typeof bookingRequest>, token: string, tokenHash: string) {
  const answers = body.answers ?? {};
  const issues = validateAnswers(page.questions, answers);
  if (issues.length) throw validationFailed(issues, 'Some answers need attention');
  const hostIds = page.hosts.map((h) => h.userId);
  // Round robin locks every host so the rotation cursor moves one booking at a time.
  const lockIds = page.strategy === 'individual' || page.strategy === 'group' ? hostIds.slice(0, 1) : hostIds;
  // The hosts' objects refuse a start whose time they know is taken without asking D1. Not on
  // a group page: there a seat joins an occurrence at the same start, capacity decides.
  const claim = bufferedInterval(body.start, body.start + page.durationMinutes * 60_000, page);
  const need = page.strategy === 'round_robin' ? ('all' as const) : ('any' as const);
  const early = page.strategy === 'group' ? undefined : { pageId: page.id, slot: body.start, ...claim, need };
  return runUnderHostLocks(
    c.env,
    {
      kind: 'book',
      pageId: page.id,
      start: body.start,
      booker: {
        name: body.name,
        email: body.email,
        phone: body.phone || null,
        notes: body.notes || null,
        timezone: body.timezone ?? null,
        answers,
        locale: supportedLocale(body.locale) ?? negotiateLocale(null, c.req.header('accept-language')),
      },
      tokenHash,
      manageUrl: manageUrlFor(c.env, page.slug, token),
      now: c.get('now').getTime(),
      page,
    },
    lockIds,
    early,
  );
}

export const publicRoutes = new Hono<AppEnv>()
  .use('/pages/*', readSessionBookmark)
  .use('/manage/*', readSessionBookmark)
  .get('/pages/:slug', validate('param', slugParam), async (c) => {
    const page = await activePage(readDb(c), c.req.valid('param').slug);
    return c.json({ page: publicPageJson(page) });
  })
  .get('/pages/:slug/slots', validate('param', slugParam), validate('query', slotsQuery), async (c) => {
    const db = readDb(c);
    const page = await activePage(db, c.req.valid('param').slug);
    const { from, to } = c.req.valid('query');
    const { slots } = await publicSlots(c.env, db, page, from, to, c.get('now').getTime());
    return c.json({ slots });
  })
  .post('/pages/:slug/bookings', validate('param', slugParam), validate('json', bookingRequest), async (c) => {
    const slug = c.req.valid('param').slug;
    const body = c.req.valid('json');
    const token = newManageToken();
    const tokenHash = await hashToken(token);
    let page = recent(slug) ?? (await activePage(readDb(c), slug));
    let result = await reserve(c, page, body, token, tokenHash);
    if (!result.ok && result.pageChanged) {
      // The copy this isolate kept is out of date: read the page and try once more with it.
      recentPages.delete(slug);
      addRoundTrips(c.env.DB, result.roundTrips ?? 0);
      page = await activePage(getDb(c.env.DB), slug); // the primary: a replica may lag behind the object's read
      result = await reserve(c, page, body, token, tokenHash);
    }
    const manageUrl = manageUrlFor(c.env, page.slug, token);
    addRoundTrips(c.env.DB, result.roundTrips ?? 0);
    if (!result.ok) throw reservationError(result);
    if (result.booking) settleRoundTrips(c.env.DB);
    afterCommit(c, result);
    carryBookmark(c, result.bookmark);
    // The caller's own booking, or on a group page their own seat (never the occurrence's row),
    // read at the end of the commit's own batch.
    const booking = result.booking ?? (await loadPublicBooking(readDb(c), { bookingId: result.bookingId, attendeeId: result.attendeeId }));
    return c.json({ booking: booking!, manageUrl }, 201);
  })
  .route('/manage', manageRoutes);
