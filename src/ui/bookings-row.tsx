import type { BookingJson } from '../db/bookings';
import type { Tab } from '../domain/tabs';
import { strategyLabel } from '../domain/tabs';
import { formatInZone, locationLabel } from '../domain/format';
import { isHttpUrl } from '../email/templates';

/** A row of the Bookings page: the booking object plus what the viewer may do and the hosts' names. */
export type BookingRow = BookingJson & {
  canEdit: boolean;
  canDelete: boolean;
  questionLabels: Record<string, string>;
  hosts: { id: number; name: string }[];
};

/** The row's times in the page's zone (its day is the heading above it). */
export function When({ b }: { b: BookingJson }) {
  const start = Date.parse(b.start);
  const end = Date.parse(b.end);
  return (
    <>
      {formatInZone(start, b.timezone, 'time')} – {formatInZone(end, b.timezone, 'time')} <span class="zone">{formatInZone(start, b.timezone, 'zone')}</span>
    </>
  );
}

export function Badge({ attendance }: { attendance: BookingJson['attendance'] }) {
  if (attendance === 'attended') return <span class="badge badge-ok">Attended</span>;
  if (attendance === 'no_show') return <span class="badge badge-bad">No-show</span>;
  return null;
}

/** A group occurrence's current attendees, each with their own attendance (Past tab, scheduler.edit). */
function Attendees({ b, tab }: { b: BookingRow; tab: Tab }) {
  return (
    <ul class="attendees">
      {(b.attendees ?? []).map((a) => (
        <li data-attendee={a.id}>
          {a.name} · {a.email} <Badge attendance={a.attendance} />
          {tab === 'past' && b.canEdit && (
            <span class="attendee-actions">
              {(['attended', 'no_show'] as const).map((status) => (
                <button
                  type="button"
                  data-action="attendance"
                  data-attendee={a.id}
                  data-status={status}
                  aria-pressed={a.attendance === status ? 'true' : 'false'}
                  aria-label={`Mark ${a.name} ${status === 'attended' ? 'attended' : 'no-show'}`}
                >
                  {status === 'attended' ? 'Attended' : 'No-show'}
                </button>
              ))}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * Every message the booking caused (SPEC 11), loaded by public/bookings.js when the drawer first
 * opens (GET /api/bookings/:id/messages): one request per opened drawer, none per row.
 */
function MessagesTimeline({ b }: { b: BookingRow }) {
  return (
    <section class="mt" aria-labelledby={`mt-h-${b.id}`} data-messages>
      <h3 class="mt-heading" id={`mt-h-${b.id}`}>
        Messages
      </h3>
      <p class="mt-state muted" data-messages-state aria-live="polite">
        Loading messages…
      </p>
      <ol class="mt-list" data-messages-list hidden></ol>
    </section>
  );
}

export function Drawer({ b, tab }: { b: BookingRow; tab: Tab }) {
  const strategy = b.strategy === 'group' ? `Group · ${b.attendeeCount} attendee${b.attendeeCount === 1 ? '' : 's'}` : strategyLabel(b.strategy);
  return (
    <div class="drawer" id={`drawer-${b.id}`} hidden>
      <dl>
        <dt>Starts</dt>
        <dd>{formatInZone(Date.parse(b.start), b.timezone, 'full')} ({b.timezone})</dd>
        <dt>Ends</dt>
        <dd>{formatInZone(Date.parse(b.end), b.timezone, 'full')} ({b.timezone})</dd>
        {b.attendees ? (
          <>
            <dt>Attendees</dt>
            <dd>
              <Attendees b={b} tab={tab} />
            </dd>
          </>
        ) : (
          <>
            <dt>Booker</dt>
            <dd>
              {b.bookerName} · {b.bookerEmail}
              {b.bookerPhone ? ` · ${b.bookerPhone}` : ''}
            </dd>
          </>
        )}
        <dt>{b.hosts.length > 1 ? 'Hosts' : 'Host'}</dt>
        <dd class="hosts">{b.hosts.map((h) => h.name).join(', ') || '—'}</dd>
        <dt>Strategy</dt>
        <dd>{strategy}</dd>
        <dt>Location</dt>
        <dd>
          {locationLabel(b.locationType)}
          {b.locationValue && !isHttpUrl(b.locationValue) ? ` · ${b.locationValue}` : ''}
        </dd>
        <dt>Meeting URL</dt>
        <dd class="meeting-url">
          {b.meetingUrl ? isHttpUrl(b.meetingUrl) ? <a href={b.meetingUrl} rel="noopener noreferrer" target="_blank">{b.meetingUrl}</a> : <span>{b.meetingUrl}</span> : '—'}
        </dd>
        {b.notes && (
          <>
            <dt>Notes</dt>
            <dd class="pre">{b.notes}</dd>
          </>
        )}
        {Object.entries(b.answers).map(([k, v]) => (
          <>
            <dt>{b.questionLabels[k] ?? k}</dt>
            <dd>{typeof v === 'boolean' ? (v ? 'Yes' : 'No') : v}</dd>
          </>
        ))}
        {b.status === 'cancelled' && (
          <>
            <dt>Cancelled by</dt>
            <dd class="cancelled-by">{b.cancelledBy ?? '—'}</dd>
            <dt>Reason</dt>
            <dd class="cancel-reason">{b.cancelReason ?? '—'}</dd>
          </>
        )}
        <dt>Email</dt>
        <dd class="email-status">
          {b.emailStatus ?? '—'}
          {b.emailLastError ? ` (${b.emailLastError})` : ''}
        </dd>
        {b.calendarError && (
          <>
            <dt>Calendar</dt>
            <dd>{b.calendarError}</dd>
          </>
        )}
      </dl>
      <MessagesTimeline b={b} />
      <div class="actions">
        {tab === 'upcoming' && b.canEdit && (
          <button type="button" data-open="reschedule">
            Reschedule
          </button>
        )}
        {tab === 'upcoming' && b.canDelete && (
          <button type="button" data-open="cancel">
            Cancel booking
          </button>
        )}
        {b.canEdit && tab !== 'rescheduled' && b.strategy !== 'group' && (
          <button type="button" data-action="manage-link">
            Copy new manage link
          </button>
        )}
        {tab === 'past' && b.canEdit && (
          <>
            <button type="button" data-action="attendance" data-status="attended" aria-pressed={b.attendance === 'attended' ? 'true' : 'false'}>
              Mark {b.attendees ? 'all ' : ''}attended
            </button>
            <button type="button" data-action="attendance" data-status="no_show" aria-pressed={b.attendance === 'no_show' ? 'true' : 'false'}>
              Mark {b.attendees ? 'all ' : ''}no-show
            </button>
          </>
        )}
      </div>
      {tab === 'upcoming' && b.canEdit && (
        <form class="dialog" data-dialog="reschedule" role="group" aria-label="Reschedule booking" hidden>
          <label>
            New start (your local time)
            <input type="datetime-local" name="start" required />
          </label>
          <label>
            Message to the booker (optional)
            <textarea name="message" maxlength={1000} rows={2}></textarea>
          </label>
          <p class="form-error" role="alert" aria-live="assertive"></p>
          <button type="submit">Propose new time</button>
          <button type="button" data-close>
            Close
          </button>
        </form>
      )}
      {tab === 'upcoming' && b.canDelete && (
        <form class="dialog" data-dialog="cancel" role="group" aria-label="Cancel booking" hidden>
          <label>
            Reason (optional)
            <textarea name="reason" maxlength={500} rows={2} aria-describedby={`count-${b.id}`}></textarea>
          </label>
          <p class="muted" id={`count-${b.id}`} aria-live="polite" data-count>
            0 / 500
          </p>
          <p class="form-error" role="alert" aria-live="assertive"></p>
          <button type="submit" class="danger">
            Cancel booking
          </button>
          <button type="button" data-close>
            Keep it
          </button>
        </form>
      )}
      <p class="action-status" role="status" aria-live="polite"></p>
    </div>
  );
}


const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => [...w][0]!.toUpperCase())
    .join('');

/** The hosts as small initial avatars and names (collective: all of them). */
function Hosts({ b }: { b: BookingRow }) {
  return (
    <span class="host-names">
      <span class="host-avatars" aria-hidden="true">
        {b.hosts.slice(0, 3).map((h) => (
          <span class="host-avatar">{initials(h.name)}</span>
        ))}
      </span>
      {b.hosts.map((h) => h.name).join(', ')}
    </span>
  );
}

/** Whether the bulk bar can act on this row in this tab (the server checks again). */
export const selectable = (b: BookingRow, tab: Tab) => (tab === 'upcoming' && b.canDelete) || (tab === 'past' && b.canEdit);

export function BookingItem({ b, tab }: { b: BookingRow; tab: Tab }) {
  const start = Date.parse(b.start);
  const strategy = b.strategy === 'group' ? `Group · ${b.attendeeCount} attendee${b.attendeeCount === 1 ? '' : 's'}` : strategyLabel(b.strategy);
  return (
    <li class="booking" data-id={b.id} data-tab={tab}>
      {selectable(b, tab) && (
        <label class="select">
          <input type="checkbox" name="ids" value={b.id} data-select />
          <span class="visually-hidden">
            Select {b.bookerName} {formatInZone(start, b.timezone, 'full')}
          </span>
        </label>
      )}
      <button type="button" class="row" aria-expanded="false" aria-controls={`drawer-${b.id}`}>
        <span class="when">
          <When b={b} />
        </span>
        <span class="title">
          {b.pageTitle} <Badge attendance={b.attendance} />
          <span class="strategy muted">{strategy}</span>
        </span>
        <span class="who">
          {b.bookerName} <span class="muted">{b.bookerEmail}</span>
        </span>
        <span class="meta">
          <Hosts b={b} />
          <span class="where">
            {locationLabel(b.locationType)} · {b.durationMinutes}m
          </span>
        </span>
      </button>
      <Drawer b={b} tab={tab} />
    </li>
  );
}
