import { AppShell } from './app-shell';
import type { SessionUser } from '../domain/permissions';
import { TABS, dayHeading, type AttendanceFilter, type Tab } from '../domain/tabs';
import { formatInZone } from '../domain/format';
import { BookingItem, selectable, type BookingRow } from './bookings-row';
import { BulkBar } from './bookings-bulk';

export type { BookingRow } from './bookings-row';

const TAB_LABELS: Record<Tab, string> = { upcoming: 'Upcoming', past: 'Past', cancelled: 'Cancelled', rescheduled: 'Rescheduled' };

const EMPTY: Record<Tab, string> = {
  upcoming: 'No upcoming bookings. New bookings from your scheduling pages appear here.',
  past: 'No past bookings. Meetings move here once their start time has passed, ready to mark attended or no-show.',
  cancelled: 'No cancelled bookings. Bookings you or a booker cancel appear here, with the reason.',
  rescheduled: 'No rescheduled bookings. When a meeting moves to a new time, its old time appears here.',
};

export type PageFilters = {
  q: string;
  pageId?: number;
  hostId?: number;
  attendance?: AttendanceFilter;
  from?: string;
  to?: string;
};

function FilterSelect(props: { name: string; label: string; all: string; selected?: string | number; options: [string | number, string][] }) {
  return (
    <label class="filter">
      <span class="filter-label">{props.label}</span>
      <select name={props.name}>
        <option value="">{props.all}</option>
        {props.options.map(([id, text]) => (
          <option value={String(id)} selected={String(id) === String(props.selected ?? '')}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The URL of this view with some parameters changed (undefined drops one). */
function hrefWith(tab: Tab, f: PageFilters, changes: Record<string, string | undefined> = {}) {
  const params: Record<string, string | undefined> = {
    tab,
    q: f.q || undefined,
    pageId: f.pageId?.toString(),
    hostId: f.hostId?.toString(),
    attendance: tab === 'past' ? f.attendance : undefined,
    from: f.from,
    to: f.to,
    ...changes,
  };
  const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  return `/app/bookings?${query.toString()}`;
}

/** Rows under their day headings in each page's zone, in the tab's order (a heading repeats only if the order crosses back). */
function dayGroups(rows: BookingRow[], now: number) {
  const groups: { key: string; label: string; rows: BookingRow[] }[] = [];
  for (const b of rows) {
    const h = dayHeading(Date.parse(b.start), b.timezone, now, (ms, zone) => formatInZone(ms, zone, 'date'));
    const last = groups[groups.length - 1];
    if (last && last.key === h.key && last.label === h.label) last.rows.push(b);
    else groups.push({ ...h, rows: [b] });
  }
  return groups;
}

export function BookingsPage(props: {
  user: SessionUser;
  tab: Tab;
  rows: BookingRow[];
  nextCursor: string | null;
  now: number;
  counts: Record<Tab, number>;
  filters: PageFilters;
  choices: { pages: { id: number; title: string }[]; hosts: { id: number; name: string }[] };
}) {
  const { tab, rows, filters: f } = props;
  const filtered = Boolean(f.q || f.pageId || f.hostId || f.from || f.to || (tab === 'past' && f.attendance));
  const exportHref = hrefWith(tab, f).replace('/app/bookings?', '/api/bookings/export.csv?');
  const anySelectable = rows.some((b) => selectable(b, tab));
  return (
    <AppShell user={props.user} current="bookings" title="Bookings" styles={['/bookings.css']} scripts={['/bookings.js']}>
      <div class="page-head">
        <h1>Bookings</h1>
        <a class="button-link" href={exportHref} download>
          Export CSV
        </a>
      </div>
      <nav class="tabs" aria-label="Booking tabs">
        {TABS.map((t) => (
          <a href={hrefWith(t, f)} aria-current={t === tab ? 'page' : undefined} class={t === tab ? 'tab active' : 'tab'}>
            {TAB_LABELS[t]} <span class="count" data-count-tab={t}>{props.counts[t].toLocaleString('en-US')}</span>
          </a>
        ))}
      </nav>
      <form class="filters" method="get" action="/app/bookings" role="search" aria-label="Filter bookings">
        <input type="hidden" name="tab" value={tab} />
        <label class="filter filter-search">
          <span class="filter-label">Search</span>
          <input type="search" name="q" value={f.q} placeholder="Name or email" />
        </label>
        <FilterSelect name="pageId" label="Page" all="All pages" selected={f.pageId} options={props.choices.pages.map((p) => [p.id, p.title])} />
        <FilterSelect name="hostId" label="Host" all="All hosts" selected={f.hostId} options={props.choices.hosts.map((h) => [h.id, h.name])} />
        <label class="filter filter-date">
          <span class="filter-label">From</span>
          <input type="date" name="from" value={f.from ?? ''} />
        </label>
        <label class="filter filter-date">
          <span class="filter-label">To</span>
          <input type="date" name="to" value={f.to ?? ''} />
        </label>
        {tab === 'past' && (
          <FilterSelect
            name="attendance"
            label="Attendance"
            all="Any attendance"
            selected={f.attendance}
            options={[
              ['attended', 'Attended'],
              ['no_show', 'No-show'],
              ['unmarked', 'Not marked'],
            ]}
          />
        )}
        <div class="filter-actions">
          <button type="submit">Apply</button>
          {filtered && <a href={hrefWith(tab, { q: '' })}>Clear filters</a>}
        </div>
      </form>
      <p class="muted filter-note">Dates are days in your timezone ({props.user.timezone}); times show in each page’s timezone.</p>
      {anySelectable && <BulkBar tab={tab} rows={rows} />}
      <div id="booking-rows">
        {rows.length === 0 ? (
          <div class="empty">
            {filtered ? (
              <p>
                No {TAB_LABELS[tab].toLowerCase()} bookings match these filters. <a href={hrefWith(tab, { q: '' })}>Clear filters</a>
              </p>
            ) : (
              <p>{EMPTY[tab]}</p>
            )}
          </div>
        ) : (
          <>
            {anySelectable && (
              <label class="select-all">
                <input type="checkbox" data-select-all /> Select all on this page
              </label>
            )}
            {dayGroups(rows, props.now).map((g) => (
              <section class="day-group" aria-label={g.label}>
                <h2 class="day-heading">{g.label}</h2>
                <ul class="booking-list">
                  {g.rows.map((b) => (
                    <BookingItem b={b} tab={tab} />
                  ))}
                </ul>
              </section>
            ))}
          </>
        )}
        {props.nextCursor && (
          <a class="next" href={`${hrefWith(tab, f)}&cursor=${encodeURIComponent(props.nextCursor)}`}>
            Next page
          </a>
        )}
      </div>
    </AppShell>
  );
}
