/**
 * Google Calendar on fetch: a service account with domain-wide delegation acts as each host
 * (the host's email is the `sub` of an RS256 assertion signed with jose) on their `primary`
 * calendar. Events carry a Meet conference; reschedules patch the same event (so the Meet URL
 * stays), cancels delete it, and freeBusy feeds the slot engine. Without GOOGLE_SERVICE_ACCOUNT
 * nothing here is called.
 */
import { SignJWT, importPKCS8 } from 'jose';
import { z } from 'zod';
import type { Bindings } from '../env';
import type { Interval } from '../domain/slots';

const serviceAccountSchema = z.object({
  client_email: z.string().min(1),
  private_key: z.string().min(1),
  token_uri: z.url().default('https://oauth2.googleapis.com/token'),
});

const SCOPE = 'https://www.googleapis.com/auth/calendar';
const RETRIES = 3;

export type CalendarEvent = { id: string; meetUrl: string | null };
export type CalendarResult<T> = { ok: true; value: T } | { ok: false; error: string };

const tokenCache = new Map<string, { token: string; expiresAt: number }>();

class TransientError extends Error {}
/** A final answer from Google other than success (4xx but 429). */
class RefusedError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function withRetry<T>(fn: () => Promise<T>): Promise<CalendarResult<T>> {
  let last = 'unknown error';
  for (let attempt = 0; attempt < RETRIES; attempt++) {
    try {
      return { ok: true, value: await fn() };
    } catch (error) {
      last = (error as Error).message;
      if (!(error instanceof TransientError)) break;
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }
  return { ok: false, error: last.slice(0, 500) };
}

async function check(res: Response, what: string): Promise<unknown> {
  if (res.ok) return res.status === 204 ? null : res.json().catch(() => null);
  const body = (await res.text().catch(() => '')).slice(0, 200);
  const message = `${what}: ${res.status} ${body}`;
  if (res.status === 429 || res.status >= 500) throw new TransientError(message);
  throw new RefusedError(message, res.status);
}

async function guardedFetch(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new TransientError(`network: ${(error as Error).message}`);
  }
}

export type GoogleCalendar = ReturnType<typeof createGoogleCalendar>;

function createGoogleCalendar(env: Bindings, account: z.infer<typeof serviceAccountSchema>) {
  const api = `${env.GOOGLE_API_BASE_URL.replace(/\/+$/, '')}/calendar/v3`;

  async function accessToken(hostEmail: string): Promise<string> {
    const cached = tokenCache.get(hostEmail);
    if (cached && cached.expiresAt > Date.now() + 60_000) return cached.token;
    const key = await importPKCS8(account.private_key, 'RS256');
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ scope: SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(account.client_email)
      .setSubject(hostEmail)
      .setAudience(account.token_uri)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(key);
    const res = await guardedFetch(account.token_uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
    });
    const body = z.object({ access_token: z.string(), expires_in: z.number().default(3600) }).safeParse(await check(res, 'token'));
    if (!body.success) throw new Error('token: malformed response');
    tokenCache.set(hostEmail, { token: body.data.access_token, expiresAt: Date.now() + body.data.expires_in * 1000 });
    return body.data.access_token;
  }

  async function call(hostEmail: string, method: string, path: string, payload?: unknown) {
    const token = await accessToken(hostEmail);
    const res = await guardedFetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    return check(res, `${method} ${path.split('?')[0]}`);
  }

  const eventSchema = z.object({
    id: z.string(),
    hangoutLink: z.string().optional(),
    conferenceData: z.object({ entryPoints: z.array(z.object({ entryPointType: z.string(), uri: z.string() })).optional() }).optional(),
  });
  const toEvent = (raw: unknown): CalendarEvent => {
    const e = eventSchema.safeParse(raw);
    if (!e.success) throw new TransientError('event: malformed response');
    const video = e.data.conferenceData?.entryPoints?.find((p) => p.entryPointType === 'video')?.uri;
    return { id: e.data.id, meetUrl: e.data.hangoutLink ?? video ?? null };
  };

  return {
    insertEvent: (
      hostEmail: string,
      e: { requestId: string; summary: string; description: string; start: number; end: number; attendees: string[] },
    ) => {
      // The event id is ours (base32hex, from the request id), so a create retried after a
      // timeout or a garbled answer finds the event it made (409) instead of making another.
      const eventId = e.requestId.toLowerCase().replace(/[^0-9a-v]/g, '');
      return withRetry(async () => {
        try {
          return toEvent(
            await call(hostEmail, 'POST', '/calendars/primary/events?conferenceDataVersion=1&sendUpdates=none', {
              id: eventId,
              summary: e.summary,
              description: e.description,
              start: { dateTime: new Date(e.start).toISOString() },
              end: { dateTime: new Date(e.end).toISOString() },
              attendees: e.attendees.map((email) => ({ email })),
              // requestId makes a retried conference create idempotent on Google's side.
              conferenceData: { createRequest: { requestId: e.requestId, conferenceSolutionKey: { type: 'hangoutsMeet' } } },
            }),
          );
        } catch (error) {
          // 409: an event with the id we chose exists, made by an earlier try.
          if (!(error instanceof RefusedError && error.status === 409)) throw error;
          return toEvent(await call(hostEmail, 'GET', `/calendars/primary/events/${encodeURIComponent(eventId)}?conferenceDataVersion=1`));
        }
      });
    },
    patchEvent: (hostEmail: string, eventId: string, e: { start: number; end: number }) =>
      withRetry(async () =>
        toEvent(
          await call(hostEmail, 'PATCH', `/calendars/primary/events/${encodeURIComponent(eventId)}?conferenceDataVersion=1&sendUpdates=none`, {
            start: { dateTime: new Date(e.start).toISOString() },
            end: { dateTime: new Date(e.end).toISOString() },
          }),
        ),
      ),
    /** The event's guest list, replaced whole (a group occurrence's bookers as they are now). */
    setAttendees: (hostEmail: string, eventId: string, attendees: string[]) =>
      withRetry(async () =>
        toEvent(
          await call(hostEmail, 'PATCH', `/calendars/primary/events/${encodeURIComponent(eventId)}?conferenceDataVersion=1&sendUpdates=none`, {
            attendees: attendees.map((email) => ({ email })),
          }),
        ),
      ),
    cancelEvent: (hostEmail: string, eventId: string) =>
      withRetry(async () => {
        try {
          await call(hostEmail, 'DELETE', `/calendars/primary/events/${encodeURIComponent(eventId)}?sendUpdates=none`);
        } catch (error) {
          // Already gone (a retried delete, or the host removed it): the goal is met.
          if (!(error instanceof RefusedError && (error.status === 404 || error.status === 410))) throw error;
        }
        return null;
      }),
    freeBusy: (hostEmail: string, from: number, to: number) =>
      withRetry(async (): Promise<Interval[]> => {
        const raw = await call(hostEmail, 'POST', '/freeBusy', {
          timeMin: new Date(from).toISOString(),
          timeMax: new Date(to).toISOString(),
          items: [{ id: 'primary' }],
        });
        const parsed = z
          .object({ calendars: z.record(z.string(), z.object({ busy: z.array(z.object({ start: z.string(), end: z.string() })).default([]) })) })
          .safeParse(raw);
        if (!parsed.success) throw new TransientError('freeBusy: malformed response');
        return Object.values(parsed.data.calendars)
          .flatMap((c) => c.busy)
          .map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) }))
          .filter((b) => Number.isFinite(b.start) && Number.isFinite(b.end) && b.end > b.start);
      }),
  };
}

/** The calendar client, or null when no service account is configured. */
export function googleCalendar(env: Bindings): GoogleCalendar | null {
  if (!env.GOOGLE_SERVICE_ACCOUNT) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(env.GOOGLE_SERVICE_ACCOUNT);
  } catch {
    console.error('GOOGLE_SERVICE_ACCOUNT is not JSON; calendar disabled');
    return null;
  }
  const account = serviceAccountSchema.safeParse(parsed);
  if (!account.success) {
    console.error('GOOGLE_SERVICE_ACCOUNT lacks client_email/private_key; calendar disabled');
    return null;
  }
  return createGoogleCalendar(env, account.data);
}

/** Busy times of each host from their calendars; a failing lookup counts as no busy time. */
export async function calendarBusy(env: Bindings, hosts: { id: number; email: string }[], from: number, to: number) {
  const calendar = googleCalendar(env);
  const busy = new Map<number, Interval[]>();
  if (!calendar) return busy;
  await Promise.all(
    hosts.map(async (h) => {
      const result = await calendar.freeBusy(h.email, from, to);
      if (result.ok) busy.set(h.id, result.value);
      else console.error('freeBusy failed', h.id, result.error);
    }),
  );
  return busy;
}
