import { Hono, type Context } from 'hono';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { getDb } from '../db/client';
import { users } from '../db/schema';
import { liveTokenUser, setPasswordTokenHash } from '../db/set-password-tokens';
import { requirePageUser } from '../http/page-auth';
import { csrf } from '../http/middleware';
import { limitByIp } from '../http/rate-limit';
import { teamListing } from '../services/team';
import { newPassword, setPasswordWithToken, startSession } from './auth';
import { NotFoundPage } from '../ui/not-found';
import { TeamPage } from '../ui/team-page';
import { DeadSetPasswordLink, SetPasswordPage, type SetPasswordErrors } from '../ui/set-password-page';
import { formBody } from '../http/validate';

const invitedParam = z.coerce.number().int().positive().max(2 ** 31).optional().catch(undefined);

/**
 * The link is the credential: never cached, and never sent to another origin as a Referer.
 * `same-origin` rather than `no-referrer`: under no-referrer Chromium posts the form with
 * `Origin: null`, which the CSRF check (rightly) refuses.
 */
function linkHeaders(c: Context<AppEnv>) {
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'same-origin');
}

/** The page for a link: the form for a live one, the same "no longer works" page for any other. */
async function linkPage(c: Context<AppEnv>, errors?: SetPasswordErrors) {
  const token = c.req.param('token') ?? '';
  const hash = await setPasswordTokenHash(token);
  const owner = hash ? await liveTokenUser(getDb(c.env.DB), hash, c.get('now').getTime()) : null;
  if (!owner) return c.html(<DeadSetPasswordLink />, 404);
  return c.html(<SetPasswordPage token={token} name={owner.name} email={owner.email} errors={errors} />, errors ? 400 : 200);
}

/** Team admin and /set-password/:token (SPEC 9). */
export const appTeamRoutes = new Hono<AppEnv>()
  .get('/app/team', requirePageUser, async (c) => {
    const user = c.get('user');
    // The sidebar hides Team from everyone else; the address leads nowhere for them either.
    if (user.role !== 'admin') return c.html(<NotFoundPage />, 404);
    const db = getDb(c.env.DB);
    const { people, teams, roles } = await teamListing(db, c.get('now').getTime());
    const invitedId = invitedParam.parse(c.req.query('invited'));
    const invited = invitedId ? (await db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, invitedId)))[0] : undefined;
    return c.html(
      <TeamPage
        user={user}
        members={people}
        choices={{ teams, roles }}
        notice={invited ? `Invitation sent to ${invited.name} (${invited.email}).` : undefined}
      />,
    );
  })
  .get('/set-password/:token', async (c) => {
    linkHeaders(c);
    return linkPage(c);
  })
  // A real form post: works without JavaScript, signs in, lands on the Bookings page.
  .post('/set-password/:token', limitByIp('LOGIN_IP_LIMITER'), csrf, async (c) => {
    linkHeaders(c);
    const form = await formBody(c);
    const password = typeof form.password === 'string' ? form.password : '';
    const confirm = typeof form.confirm === 'string' ? form.confirm : '';
    const checked = newPassword.safeParse(password);
    if (!checked.success) return linkPage(c, { password: checked.error.issues[0].message });
    if (confirm !== password) return linkPage(c, { confirm: 'The two passwords differ' });
    const user = await setPasswordWithToken(c.env, c.req.param('token'), password, c.get('now').getTime());
    if (!user) return c.html(<DeadSetPasswordLink />, 404);
    await startSession(c, user.id);
    return c.redirect('/app/bookings', 303);
  });
