import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { addRoundTrips, getDb, settleRoundTrips, together, type Db } from '../db/client';
import { bufferedInterval } from '../domain/slots';
import { carryBookmark, readDb, readSessionBookmark } from '../http/d1-session';
import { loadPageBySlug, publicPageJson, type PageWithHosts } from '../db/pages';
import { validateAnswers } from '../domain/questions';
import { hashToken, newManageToken } from '../domain/tokens';
import { ApiError, notFound, rateLimited, validationFailed } from '../http/errors';
import { isoInstant, timeZone, typedText } from '../http/schemas';
import { validate, validateJson } from '../http/validate';
import { addSpans, timed } from '../http/server-timing';
import { BLOCKED_MESSAGE, deferredLimits, type DeferredLimits } from '../http/booking-guard';
import { LIMIT_PERIOD_SECONDS } from '../http/rate-limit';
import { recordBlocked } from '../services/abuse-blocklist';
import { runUnderHostLocks } from '../host-schedule';
import { manageUrlFor, type ReservationResult } from '../services/reservations';
import { afterCommit } from '../services/after-commit';
import { loadPublicBooking, publicSlotsBody } from '../services/public-booking';
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
  if (result.code === 'forbidden') return new ApiError('forbidden', BLOCKED_MESSAGE);
  if (result.rateLimited) return rateLimited(LIMIT_PERIOD_SECONDS);
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
const recentPages = new Map<string, { page: PageWithHosts; json: string; at: number }>();
const RECENT_MS = 30_000;

/** Keeps (or drops) the page as just read; a missing or inactive page is a 404. */
function keepPage(slug: string, page: PageWithHosts | undefined, json = JSON.stringify(page)) {
  if (!page || !page.active) {
    recentPages.delete(slug);
    throw notFound('This scheduling page does not exist');
  }
  if (recentPages.size > 500) recentPages.clear();
  recentPages.set(slug, { page, json, at: Date.now() });
  return page;
}

const activePage = async (db: Db, slug: string) => keepPage(slug, await loadPageBySlug(db, slug));

const recentEntry = (slug: string) => {
  const kept = recentPages.get(slug);
  return kept && Date.now() - kept.at < RECENT_MS ? kept : undefined;
};
const recent = (slug: string) => recentEntry(slug)?.page;

/**
 * The slots GET's answer (publicSlotsJson's text) for a page, from this isolate's copy of it
 * when there is one: the page is read again in the same D1 batch as the engine's reads (see
 * together: one round trip, one batch) and the answer stands only if the page read is the copy;
 * else the slots are computed again from it.
 */
async function slotsOf(c: Context<AppEnv>, slug: string, from: number, to: number): Promise<string> {
  const db = readDb(c);
  const now = c.get('now').getTime();
  const kept = recentEntry(slug);
  if (!kept) return publicSlotsBody(c.env, db, await activePage(db, slug), from, to, now);
  const reads = getDb(together(db.$client));
  const [fresh, answer] = await Promise.all([loadPageBySlug(reads, slug), publicSlotsBody(c.env, reads, kept.page, from, to, now)]);
  const json = JSON.stringify(fresh);
  const page = keepPage(slug, fresh, json);
  if (json === kept.json) return answer;
  return publicSlotsBody(c.env, db, page, from, to, now);
}

/** One attempt at the booking under its hosts' locks, with the page as this request knows it. */
async function reserve(c: Context<AppEnv>, page: PageWithHosts, body: z.infer<typeof bookingRequest>, token: string, tokenHash: string, limits: DeferredLimits | undefined) {
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
      limits,
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
    const { from, to } = c.req.valid('query');
    // Written as text, exactly as c.json would stringify `{ slots }`, with c.json's content type.
    return c.body(await slotsOf(c, c.req.valid('param').slug, from, to), 200, { 'Content-Type': 'application/json' });
  })
  .post('/pages/:slug/bookings', validate('param', slugParam), validateJson(bookingRequest), async (c) => {
    const slug = c.req.valid('param').slug;
    const body = c.req.valid('json');
    const token = newManageToken();
    const kept = recent(slug);
    const [tokenHash, known] = await Promise.all([hashToken(token), kept ?? timed(c, 'page', activePage(readDb(c), slug))]);
    let page = known;
    let result = await timed(c, 'hosts', reserve(c, page, body, token, tokenHash, deferredLimits(c)));
    addSpans(c, result.spans);
    if (!result.ok && result.pageChanged) {
      // The copy this isolate kept is out of date: read the page and try once more with it.
      recentPages.delete(slug);
      addRoundTrips(c.env.DB, result.roundTrips ?? 0);
      page = await activePage(getDb(c.env.DB), slug); // the primary: a replica may lag behind the object's read
      // The first attempt counted the limits before its reads found the page changed.
      result = await reserve(c, page, body, token, tokenHash, undefined);
      addSpans(c, result.spans);
    }
    const manageUrl = manageUrlFor(c.env, page.slug, token);
    addRoundTrips(c.env.DB, result.roundTrips ?? 0);
    if (!result.ok && result.code === 'forbidden' && result.blockedBy) {
      // Recorded for admins (SPEC 14); the booker hears only the neutral refusal.
      await recordBlocked(c.env.DB, { email: body.email, entry: result.blockedBy, pageSlug: slug, clientIp: c.get('clientIp'), at: c.get('now').getTime() });
    }
    if (!result.ok) throw reservationError(result);
    // The object's read batch found the page as this copy has it: good for another while.
    const entry = recentPages.get(slug);
    if (entry?.page === page) entry.at = Date.now();
    if (result.booking) settleRoundTrips(c.env.DB);
    afterCommit(c, result);
    carryBookmark(c, result.bookmark);
    // The caller's own booking, or on a group page their own seat (never the occurrence's row),
    // read at the end of the commit's own batch.
    const booking = result.booking ?? (await loadPublicBooking(readDb(c), { bookingId: result.bookingId, attendeeId: result.attendeeId }));
    return c.json({ booking: booking!, manageUrl }, 201);
  })
  .route('/manage', manageRoutes);
