import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';

const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();

beforeAll(() => seed(NOW));

/** RFC 4180: fields split on commas, quoted fields may hold commas, doubled quotes and line breaks; records end in CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else if (ch === '\n' || ch === '\r') throw new Error(`bare line break outside quotes at ${i}`);
    else field += ch;
  }
  if (field || row.length) throw new Error('last record without CRLF');
  return rows;
}

const exportOf = async (email: string, query = '') => call(`/api/bookings/export.csv${query ? `?${query}` : ''}`, { token: await login(email), now });
const records = (text: string) => {
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
};

async function book(start: string, name: string, extra: Record<string, unknown> = {}) {
  const res = await call('/api/public/pages/rosa-demo/bookings', { body: { start, name, email: `csv+${start.slice(8, 13).replace(/\D/g, '')}@example.org`, ...extra }, now });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await json(res)).booking.id as string;
}

describe('GET /api/bookings/export.csv', () => {
  it('is a UTF-8 CSV attachment with a BOM, a header and CRLF records', async () => {
    const res = await exportOf('admin@example.com');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    // Today in the admin's zone (New York).
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="bookings-2026-11-23.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    // (TextDecoder drops the BOM.)
    expect(text.split('\r\n')[0]).toBe(
      'Booking ID,Status,Tab,Page,Strategy,Hosts,Booker name,Booker email,Booker phone,Attendees,Start (UTC),End (UTC),Start (page timezone),Page timezone,Duration (minutes),Location,Meeting URL,Attendance,Cancelled by,Cancel reason,Created (UTC)',
    );
    const rows = records(text);
    // Every booking of every tab, each tab in its own order.
    expect(rows.map((r) => r['Booking ID']).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `seed-b${String(i + 1).padStart(2, '0')}`));
    const collective = rows.find((r) => r['Booking ID'] === 'seed-b03')!;
    expect(collective).toMatchObject({ Strategy: 'Collective', Hosts: 'Maya Manager; Ravi Rep', Status: 'confirmed', Tab: 'upcoming' });
    expect(collective['Start (UTC)']).toMatch(/^2026-11-26T16:00:00\.000Z$/);
    expect(collective['Start (page timezone)']).toBe('2026-11-26T11:00:00-05:00');
    expect(rows.find((r) => r['Booking ID'] === 'seed-b10')).toMatchObject({ 'Cancel reason': 'Host out sick', 'Cancelled by': 'host', Tab: 'cancelled' });
  });

  it('quotes commas, quotes and line breaks, neutralises formula-leading cells, keeps non-Latin names', async () => {
    const names = ['Zoë Ñandú 李雷', '=HYPERLINK("http://evil.test","x")', '+Plus Sign', '-Minus Sign', '@At Sign', 'Comma, Person'];
    const ids = [];
    for (const [i, name] of names.entries()) ids.push(await book(`2026-12-${['01', '02', '03', '04', '07', '08'][i]}T14:00:00Z`, name, { phone: i === 2 ? '+1 555 0199' : undefined }));
    // A cancel reason with a comma, quotes and a line break.
    const cancelled = await book('2026-12-09T14:00:00Z', 'Reason Person');
    const token = await login('rep2@example.com');
    expect((await call(`/api/bookings/${cancelled}/cancel`, { token, now, body: { reason: 'Sorry, "double-booked"\nwill rebook' } })).status).toBe(200);
    const text = await (await exportOf('rep2@example.com')).text();
    const rows = records(text);
    const byId = (id: string) => rows.find((r) => r['Booking ID'] === id)!;
    expect(byId(ids[0])['Booker name']).toBe('Zoë Ñandú 李雷');
    expect(byId(ids[1])['Booker name']).toBe(`'=HYPERLINK("http://evil.test","x")`);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.test"",""x"")"`);
    expect(byId(ids[2])['Booker name']).toBe("'+Plus Sign");
    expect(byId(ids[2])['Booker phone']).toBe("'+1 555 0199");
    expect(byId(ids[3])['Booker name']).toBe("'-Minus Sign");
    expect(byId(ids[4])['Booker name']).toBe("'@At Sign");
    expect(byId(ids[5])['Booker name']).toBe('Comma, Person');
    expect(text).toContain('"Comma, Person"');
    expect(byId(cancelled)['Cancel reason']).toBe('Sorry, "double-booked"\nwill rebook');
    expect(text).toContain('"Sorry, ""double-booked""\nwill rebook"');
    // Every cell that starts with = + - @ carries the apostrophe.
    for (const r of rows) for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('keeps scope and the filters of the list', async () => {
    const rep1 = records(await (await exportOf('rep1@example.com')).text()).map((r) => r['Booking ID']).sort();
    expect(rep1).toEqual(['seed-b01', 'seed-b03', 'seed-b06', 'seed-b09', 'seed-b11', 'seed-b12']);
    const listed = async (query: string) => (await json(await call(`/api/bookings?${query}&limit=100`, { token: await login('manager@example.com'), now }))).bookings.map((b: { id: string }) => b.id);
    for (const query of ['tab=upcoming&hostId=3', 'tab=past&attendance=attended', 'tab=upcoming&from=2026-11-24&to=2026-11-25', 'tab=cancelled&q=bob', 'tab=upcoming&pageId=3']) {
      const exported = records(await (await exportOf('manager@example.com', query)).text()).map((r) => r['Booking ID']);
      expect(exported, query).toEqual(await listed(query));
    }
    // The attendance filter without a tab exports the Past tab.
    expect(records(await (await exportOf('manager@example.com', 'attendance=attended')).text()).map((r) => r.Tab)).toEqual(['past']);
    expect((await exportOf('manager@example.com', 'tab=upcoming&attendance=attended')).status).toBe(400);
    expect((await exportOf('manager@example.com', 'from=2026-13-01')).status).toBe(400);
  });

  it('streams page by page: 10,000 rows arrive complete, and a row written after the first page still comes (nothing read ahead of the reader)', async () => {
    // 10,000 upcoming bookings of Rosa's (host 4) from 2028 (several export pages), one INSERT … SELECT each for series, bookings and hosts.
    const cte = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 9999)`;
    const t0 = Date.parse('2028-01-01T00:00:00Z');
    await env.DB.batch([
      env.DB.prepare(`${cte} INSERT INTO booking_series (id, page_id, ics_uid, created_at) SELECT 'many-' || printf('%04d', i), 2, 'many-' || i || '@x', ${t0} FROM n`),
      env.DB.prepare(
        `${cte} INSERT INTO bookings (id, series_id, page_id, host_id, status, start_at, end_at, timezone, booker_name, booker_email, location_type, ics_uid, created_at, updated_at)
         SELECT 'many-' || printf('%04d', i), 'many-' || printf('%04d', i), 2, 4, 'confirmed', ${t0} + i * 3600000, ${t0} + i * 3600000 + 1800000, 'America/New_York',
           'Many Booker ' || i, 'many' || i || '@example.org', 'zoom', 'many-' || i || '@x', ${t0}, ${t0} FROM n`,
      ),
      env.DB.prepare(`${cte} INSERT INTO booking_hosts (booking_id, user_id) SELECT 'many-' || printf('%04d', i), 4 FROM n`),
    ]);
    const res = await exportOf('rep2@example.com', 'tab=upcoming');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    // The BOM and header, then the first page.
    while (!text.includes('many-0000')) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      text += decoder.decode(value, { stream: true });
    }
    // Written after the first page went out, sorting after every other row: only an export that
    // reads page by page, as the reader asks, can still see it.
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO booking_series (id, page_id, ics_uid, created_at) VALUES ('many-late', 2, 'late@x', ${t0})`),
      env.DB.prepare(
        `INSERT INTO bookings (id, series_id, page_id, host_id, status, start_at, end_at, timezone, booker_name, booker_email, location_type, ics_uid, created_at, updated_at)
         VALUES ('many-late', 'many-late', 2, 4, 'confirmed', ${t0 + 10_001 * 3_600_000}, ${t0 + 10_001 * 3_600_000 + 60_000}, 'UTC', 'Late Booker', 'late@example.org', 'zoom', 'late@x', ${t0}, ${t0})`,
      ),
      env.DB.prepare(`INSERT INTO booking_hosts (booking_id, user_id) VALUES ('many-late', 4)`),
    ]);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const ids = records(text).map((r) => r['Booking ID']);
    const many = ids.filter((id) => id.startsWith('many-'));
    expect(many.length).toBe(10_001);
    expect(many.at(-1)).toBe('many-late');
    expect(new Set(ids).size).toBe(ids.length);
    expect(many.slice(0, 10_000)).toEqual(Array.from({ length: 10_000 }, (_, i) => `many-${String(i).padStart(4, '0')}`));
  }, 60_000);
});
