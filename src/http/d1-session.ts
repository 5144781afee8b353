/**
 * Public reads (booking page, slots, manage page) go through a D1 Session: in production they
 * may be answered by a read replica near the booker. The session is anchored at the booker's
 * bookmark — the one their own booking or change answered with, carried in a cookie (or
 * X-D1-Bookmark) — so a replica never shows them a state older than their own write.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../env';
import { getDb, type Db } from '../db/client';

export const BOOKMARK_COOKIE = 'd1_bookmark';
const BOOKMARK = /^[0-9a-f-]{8,200}$/i;
const sessions = new WeakMap<Context, D1DatabaseSession>();

const carried = (c: Context<AppEnv>) => {
  const value = c.req.header('x-d1-bookmark') ?? getCookie(c, BOOKMARK_COOKIE);
  return value && BOOKMARK.test(value) ? value : undefined;
};

/** This request's read session, anchored at the carried bookmark (else any replica will do). */
export function readDb(c: Context<AppEnv>): Db {
  let session = sessions.get(c);
  if (!session) {
    try {
      session = c.env.DB.withSession(carried(c) ?? 'first-unconstrained');
    } catch {
      session = c.env.DB.withSession('first-unconstrained');
    }
    sessions.set(c, session);
  }
  return getDb(session);
}

/** Requests that answered with a write's bookmark: a read's older one must not replace it. */
const wrote = new WeakSet<Context>();

/** Answers with the newest bookmark the booker has seen: their next read starts there. */
export function carryBookmark(c: Context<AppEnv>, bookmark: string | null | undefined, from: 'write' | 'read' = 'write') {
  if (!bookmark || !BOOKMARK.test(bookmark) || bookmark === carried(c)) return;
  if (from === 'read' && wrote.has(c)) return;
  if (from === 'write') wrote.add(c);
  c.header('x-d1-bookmark', bookmark);
  const secure = new URL(c.req.url).protocol === 'https:';
  setCookie(c, BOOKMARK_COOKIE, bookmark, { path: '/', httpOnly: true, sameSite: 'Lax', secure, maxAge: 600 });
}

/** After a public read: the session's bookmark travels on, so the booker's later reads stay as new. */
export const readSessionBookmark: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const session = sessions.get(c);
  if (session) carryBookmark(c, session.getBookmark(), 'read');
};
