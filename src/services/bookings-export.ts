/**
 * CSV export of the Bookings page (SPEC 13): every booking in scope that matches the filters,
 * streamed as keyset pages of EXPORT_PAGE rows, each read only when the reader wants more, so
 * memory stays one page however many rows there are. RFC 4180 (CRLF, quotes doubled, fields
 * with commas, quotes or line breaks quoted), UTF-8 with a BOM so spreadsheets read the names,
 * and cells that a spreadsheet would run as a formula prefixed with an apostrophe.
 */
import { TZDate } from '@date-fns/tz';
import type { Db } from '../db/client';
import { listBookings, searchCandidates, type BookingFilters, type ListedBooking } from '../db/booking-list';
import type { SessionUser } from '../domain/permissions';
import { TABS, decodeCursor, strategyLabel, type Tab } from '../domain/tabs';
import { iso } from '../domain/time';
import { locationLabel } from '../domain/format';

// Large pages keep the statement count low (each page is a batch of 3): 100,000 rows are 150
// statements, well inside D1's 1,000 per invocation, and one page of rows is still small memory.
export const EXPORT_PAGE = 2000;

const COLUMNS = [
  'Booking ID', 'Status', 'Tab', 'Page', 'Strategy', 'Hosts', 'Booker name', 'Booker email', 'Booker phone', 'Attendees',
  'Start (UTC)', 'End (UTC)', 'Start (page timezone)', 'Page timezone', 'Duration (minutes)', 'Location', 'Meeting URL',
  'Attendance', 'Cancelled by', 'Cancel reason', 'Created (UTC)',
];

/** One CSV field: formula-leading text neutralised, quoted when it holds a comma, quote or line break. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvLine = (cells: (string | number | null | undefined)[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** The start as the page's wall clock with its offset: 2026-12-03T09:00:00-05:00. */
const inZone = (ms: number, zone: string) => new TZDate(ms, zone).toISOString().replace(/\.\d{3}(?=[+-]|Z)/, '');

function rowOf(r: ListedBooking, tab: Tab): string {
  const b = r.booking;
  return csvLine([
    b.id,
    b.status,
    tab,
    r.page.title,
    strategyLabel(r.page.strategy),
    r.hosts.map((h) => h.name).join('; '),
    r.personName ?? b.bookerName,
    r.personEmail ?? b.bookerEmail,
    b.bookerPhone,
    r.attendees ? r.attendees.map((a) => `${a.name} <${a.email}>`).join('; ') : '',
    iso(b.startAt),
    iso(b.endAt),
    inZone(b.startAt, b.timezone),
    b.timezone,
    Math.round((b.endAt - b.startAt) / 60_000),
    [locationLabel(b.locationType), b.locationValue].filter(Boolean).join(' · '),
    b.meetingUrl,
    b.attendance,
    b.cancelledBy,
    b.cancelReason,
    iso(b.createdAt),
  ]);
}

/**
 * The export as a byte stream: the BOM and header at once, then one page per pull, tab after
 * tab (a tab given: just that one) in each tab's own order on its own index.
 */
export function exportStream(db: Db, user: SessionUser, filters: BookingFilters & { tab?: Tab }, now: number, pageSize = EXPORT_PAGE): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const tabs = filters.tab ? [filters.tab] : [...TABS];
  let cursor: string | null = null;
  let candidates: Promise<string[] | undefined> | undefined;

  /** The next keyset page of the current tab, as CSV lines; the stream ends after the last tab. */
  async function nextPage(controller: ReadableStreamDefaultController<Uint8Array>) {
    const tab = tabs[0];
    if (!tab) return controller.close();
    // The search's candidates once for the whole export, not once per page.
    candidates ??= filters.q ? searchCandidates(db, filters.q) : Promise.resolve(undefined);
    const candidateIds = await candidates;
    const page = await listBookings(db, user, {
      ...filters,
      // Attendance is marked on the Past tab only; the other tabs hold no marks to filter.
      attendance: tab === 'past' ? filters.attendance : undefined,
      tab,
      limit: pageSize,
      cursor: cursor ? decodeCursor(cursor) : null,
      now,
      ...(filters.q ? { candidateIds } : {}),
    });
    if (page.rows.length) controller.enqueue(encoder.encode(page.rows.map((r) => rowOf(r, tab)).join('')));
    cursor = page.nextCursor;
    if (!cursor) tabs.shift();
  }

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(`\uFEFF${csvLine(COLUMNS)}`));
      },
      async pull(controller) {
        try {
          await nextPage(controller);
        } catch (error) {
          // The headers are gone already: erroring the stream makes the download fail visibly
          // instead of ending as a short file that looks complete.
          console.error('export page', error);
          controller.error(error);
        }
      },
    },
    // One page read ahead at most.
    { highWaterMark: 1 },
  );
}
