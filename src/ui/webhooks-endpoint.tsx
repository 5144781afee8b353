/** One webhook endpoint as /app/webhooks and its log page show it: URL, events, status, actions. */
import { RotatedSecret } from './webhooks-secret';
import { WEBHOOK_EVENTS } from '../webhooks/vocab';

export type EndpointStatus = 'active' | 'paused' | 'disabled';

export type EndpointView = {
  id: string;
  url: string;
  events: string[];
  /** null: an organization endpoint (every booking). */
  ownerId: number | null;
  ownerName: string | null;
  status: EndpointStatus;
  createdLabel: string;
};

export const STATUS_LABELS: Record<EndpointStatus, string> = { active: 'Active', paused: 'Paused', disabled: 'Disabled' };
const STATUS_HELP: Record<EndpointStatus, string> = {
  active: '',
  paused: 'Booking events are not sent while paused; a test still is',
  disabled: 'Turned off after the receiver answered 410 Gone; resume to send again',
};

/** What each event means, in the words a host uses (SPEC 12). */
export const EVENT_HELP: Record<string, string> = {
  'booking.created': 'Someone books a time, or takes a seat in a group session',
  'booking.rescheduled': 'A booking moves to a new time; carries the previous start and end',
  'booking.cancelled': 'A booking or a seat is cancelled, by the booker or a host',
  'booking.attendance_marked': 'A host marks a booking attended or no-show',
  ping: 'A test sent with “Send test”',
  'workflow.triggered': 'Sent by a workflow’s webhook action',
};

/** Whose endpoint it is: worth saying to admins (who see everyone's) and for organization endpoints. */
export function OwnerLabel({ w, viewerId, everyone }: { w: EndpointView; viewerId: number; everyone: boolean }) {
  if (w.ownerId === null) return <span class="wh-owner wh-owner-org">Organization · every booking</span>;
  if (!everyone) return null;
  const who = w.ownerId === viewerId ? 'You' : (w.ownerName ?? `User ${w.ownerId}`);
  return <span class="wh-owner">Personal · {who}</span>;
}

export function StatusBadge({ status }: { status: EndpointStatus }) {
  return (
    <span class={`wh-badge wh-badge-${status}`} data-endpoint-status>
      {STATUS_LABELS[status]}
    </span>
  );
}

/** The endpoint's URL and events, changed in place (PATCH); the secret stays. */
function EditForm({ w }: { w: EndpointView }) {
  const id = (name: string) => `wh-edit-${name}-${w.id}`;
  return (
    <form class="wh-confirm wh-edit" id={`wh-edit-${w.id}`} data-confirm="edit" data-edit-webhook aria-label="Edit endpoint" novalidate hidden>
      <div class="wh-field">
        <label for={id('url')}>Endpoint URL</label>
        <input id={id('url')} name="url" type="url" inputmode="url" autocomplete="off" spellcheck={false} maxlength={2048} value={w.url} required aria-describedby={`${id('url')}-error`} />
        <span id={`${id('url')}-error`} class="field-error" data-error-for="url"></span>
      </div>
      <fieldset class="wh-field wh-events-field" aria-describedby={`${id('events')}-error`}>
        <legend>Events to send</legend>
        {WEBHOOK_EVENTS.map((e) => (
          <label class="wh-check">
            <input type="checkbox" name="events" value={e} checked={w.events.includes(e)} aria-describedby={`${id('events')}-error`} />
            <span>
              <code>{e}</code>
              <span class="wh-check-help">{EVENT_HELP[e]}</span>
            </span>
          </label>
        ))}
        <span id={`${id('events')}-error`} class="field-error" data-error-for="events"></span>
      </fieldset>
      <p class="form-error" role="alert" data-form-error></p>
      <div>
        <button type="submit" class="pg-small">
          Save changes
        </button>
        <button type="button" class="pg-small" data-action="cancel">
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Pause/Resume, Send test, Rotate, Delete, each with its inline confirmation where it needs one. */
export function EndpointActions({ w, log }: { w: EndpointView; log: boolean }) {
  const paused = w.status !== 'active';
  return (
    <div class="wh-actions" data-endpoint-actions>
      <div class="wh-buttons">
        {log && (
          <a class="pg-btn pg-small" href={`/app/webhooks/${w.id}`} aria-label={`Delivery log of ${w.url}`}>
            Delivery log
          </a>
        )}
        <button type="button" class="pg-small" data-action="test">
          Send test
        </button>
        <button type="button" class="pg-small" data-action={paused ? 'resume' : 'pause'}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        {!log && (
          <button type="button" class="pg-small" data-action="edit" aria-expanded="false" aria-controls={`wh-edit-${w.id}`}>
            Edit
          </button>
        )}
        <button type="button" class="pg-small" data-action="rotate" aria-expanded="false" aria-controls={`wh-rotate-${w.id}`}>
          Rotate secret
        </button>
        <button type="button" class="pg-small pg-danger-text" data-action="delete" aria-expanded="false" aria-controls={`wh-delete-${w.id}`}>
          Delete
        </button>
      </div>
      {!log && <EditForm w={w} />}
      <div class="wh-confirm" id={`wh-rotate-${w.id}`} data-confirm="rotate" role="group" aria-label="Rotate secret" hidden>
        <p>
          Make a new signing secret? The current one keeps working for 24 hours, and deliveries carry both signatures meanwhile, so you
          have time to update your receiver.
        </p>
        <button type="button" class="pg-small wh-primary" data-action="rotate-confirm">
          Rotate secret
        </button>
        <button type="button" class="pg-small" data-action="cancel">
          Cancel
        </button>
      </div>
      <div class="wh-confirm wh-confirm-bad" id={`wh-delete-${w.id}`} data-confirm="delete" role="group" aria-label="Delete endpoint" hidden>
        <p>Delete this endpoint? It stops receiving events at once, and retries still waiting are cancelled.</p>
        <button type="button" class="pg-small danger" data-action="delete-confirm">
          Delete endpoint
        </button>
        <button type="button" class="pg-small" data-action="cancel">
          Cancel
        </button>
      </div>
      <RotatedSecret id={w.id} />
      <p class="wh-row-status" role="status" data-row-status></p>
    </div>
  );
}

export function EndpointCard({ w, viewerId, everyone }: { w: EndpointView; viewerId: number; everyone: boolean }) {
  return (
    <li class={`wh-item wh-${w.status}`} data-endpoint={w.id} data-url={w.url}>
      <div class="wh-main">
        <h3 class="wh-url">
          <a href={`/app/webhooks/${w.id}`}>{w.url}</a>
        </h3>
        <p class="wh-meta">
          <StatusBadge status={w.status} />
          <OwnerLabel w={w} viewerId={viewerId} everyone={everyone} />
          <span class="wh-created">Added {w.createdLabel}</span>
        </p>
        {STATUS_HELP[w.status] && <p class="wh-hint">{STATUS_HELP[w.status]}</p>}
        <ul class="wh-events" aria-label="Events">
          {w.events.map((e) => (
            <li class="pg-chip" title={EVENT_HELP[e]}>
              {e}
            </li>
          ))}
        </ul>
      </div>
      <EndpointActions w={w} log={true} />
    </li>
  );
}
