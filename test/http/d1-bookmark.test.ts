/**
 * A booker's write answers with its own bookmark, and the bookmark of the replica read made
 * before the write never replaces it: their next read (the manage page) must see the booking.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, json, seed } from '../helpers';

const NOW = '2026-12-01T12:00:00Z';
beforeAll(() => seed(new Date(NOW)));

const bookmarks = (res: Response) => res.headers.getSetCookie().filter((c) => c.startsWith('d1_bookmark='));

describe('D1 Sessions bookmark', () => {
  it('a booking POST that read the page first sets one bookmark: the write’s, in the cookie and the header', async () => {
    const res = await call('/api/public/pages/ravi-intro/bookings', {
      now: NOW,
      body: { start: '2026-12-09T15:00:00Z', name: 'Bo Okmark', email: 'bo.okmark@example.org', answers: { company: 'Acme' } },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const cookies = bookmarks(res);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toContain(`d1_bookmark=${res.headers.get('x-d1-bookmark')};`);
    // The manage read anchored at that bookmark sees the booking.
    const manage = await call(`/api/public/manage/${(await json(res)).manageUrl.split('/').pop()}`, { now: NOW, headers: { 'x-d1-bookmark': res.headers.get('x-d1-bookmark')! } });
    expect(manage.status).toBe(200);
  });
});
