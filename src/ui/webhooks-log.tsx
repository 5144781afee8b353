import { AppShell } from './app-shell';
import type { SessionUser } from '../domain/permissions';
import { EndpointActions, OwnerLabel, StatusBadge, type EndpointView } from './webhooks-endpoint';

export type AttemptView = { atLabel: string; status: number | null; durationMs: number | null };

export type DeliveryView = {
  id: string;
  eventType: string;
  status: string;
  createdLabel: string | null;
  attempts: AttemptView[];
  nextAttemptLabel: string | null;
  response: string | null;
  /** Why a delivery was not sent (skipped, cancelled), when the engine says. */
  reason: string | null;
};

/** Delivery statuses in words, whatever exact word the engine stores for each. */
const DELIVERY_STATUS: Record<string, { label: string; tone: 'ok' | 'wait' | 'bad' }> = {
  pending: { label: 'Pending', tone: 'wait' },
  retrying: { label: 'Retrying', tone: 'wait' },
  sending: { label: 'Sending', tone: 'wait' },
  delivered: { label: 'Delivered', tone: 'ok' },
  succeeded: { label: 'Delivered', tone: 'ok' },
  success: { label: 'Delivered', tone: 'ok' },
  sent: { label: 'Delivered', tone: 'ok' },
  failed: { label: 'Failed', tone: 'bad' },
  cancelled: { label: 'Not sent', tone: 'bad' },
  skipped: { label: 'Not sent', tone: 'bad' },
};

export const deliveryStatus = (s: string) => DELIVERY_STATUS[s] ?? { label: s.charAt(0).toUpperCase() + s.slice(1), tone: 'wait' as const };
export const isPendingDelivery = (s: string) => deliveryStatus(s).tone === 'wait';

const statusText = (status: number | null) => (status === null || status === 0 ? 'no response' : `HTTP ${status}`);
const durationText = (ms: number | null) => (ms === null ? '' : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);

function Attempts({ d }: { d: DeliveryView }) {
  const last = d.attempts[d.attempts.length - 1];
  if (!last) return <span class="muted">Not tried yet</span>;
  const summary = `${d.attempts.length} ${d.attempts.length === 1 ? 'attempt' : 'attempts'} · ${statusText(last.status)}${last.durationMs === null ? '' : ` · ${durationText(last.durationMs)}`}`;
  return (
    <details class="wh-attempts">
      <summary data-attempts-summary>{summary}</summary>
      <ol>
        {d.attempts.map((a) => (
          <li>
            <span>{a.atLabel}</span> <span class={a.status !== null && a.status >= 200 && a.status < 300 ? 'wh-ok' : 'wh-bad'}>{statusText(a.status)}</span>{' '}
            <span class="muted">{durationText(a.durationMs)}</span>
          </li>
        ))}
      </ol>
      {d.response && (
        <>
          <p class="wh-response-label">Last response (first 1 KB)</p>
          <pre class="wh-response">{d.response}</pre>
        </>
      )}
    </details>
  );
}

function DeliveryRow({ d, canReplay }: { d: DeliveryView; canReplay: boolean }) {
  const s = deliveryStatus(d.status);
  return (
    <tr data-delivery={d.id} data-event-type={d.eventType} data-status={d.status}>
      <td data-label="Event">
        <code class="wh-event">{d.eventType}</code>
      </td>
      <td data-label="Created">{d.createdLabel ?? '—'}</td>
      <td data-label="Status">
        <div>
          <span class={`wh-badge wh-tone-${s.tone}`} data-delivery-status>
            {s.label}
          </span>
          {d.nextAttemptLabel && isPendingDelivery(d.status) && <span class="tm-hint">Next attempt {d.nextAttemptLabel}</span>}
          {d.reason && !isPendingDelivery(d.status) && <span class="tm-hint">{d.reason}</span>}
        </div>
      </td>
      <td data-label="Attempts">
        <div>
          <Attempts d={d} />
        </div>
      </td>
      <td class="wh-replay-cell">
        <button
          type="button"
          class="pg-small"
          data-action="replay"
          data-delivery-id={d.id}
          disabled={!canReplay}
          aria-label={`Replay ${d.eventType} from ${d.createdLabel ?? 'this delivery'}`}
        >
          Replay
        </button>
        <span class="wh-row-status" role="status" data-replay-status></span>
      </td>
    </tr>
  );
}

function DeliveryTable(props: { deliveries: DeliveryView[]; zoneLabel: string; canReplay: boolean }) {
  return (
    <table class="tm-table wh-log">
      <caption class="visually-hidden">Deliveries, newest first, times in {props.zoneLabel}</caption>
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">Created</th>
          <th scope="col">Status</th>
          <th scope="col">Attempts</th>
          <th scope="col">
            <span class="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.deliveries.map((d) => (
          <DeliveryRow d={d} canReplay={props.canReplay} />
        ))}
      </tbody>
    </table>
  );
}

/** The table, its empty state and keyset paging; webhooks.js swaps this part when it refreshes. */
export function DeliveryLog(props: {
  endpointId: string;
  deliveries: DeliveryView[];
  nextCursor: string | null;
  paged: boolean;
  zoneLabel: string;
  canReplay: boolean;
}) {
  const pending = props.deliveries.some((d) => isPendingDelivery(d.status));
  return (
    <div data-delivery-log data-pending={pending ? 'true' : undefined} data-first-page={props.paged ? undefined : 'true'}>
      {props.deliveries.length === 0 ? (
        <div class="pl-empty wh-empty">
          <h3>{props.paged ? 'No older deliveries' : 'No deliveries yet'}</h3>
          <p class="muted">
            {props.paged
              ? 'Everything older has been pruned (deliveries are kept for 30 days).'
              : 'Send a test to see a delivery here. Booking events appear as they happen, with every attempt and the response, for 30 days.'}
          </p>
        </div>
      ) : (
        <>
          {!props.canReplay && <p class="wh-hint">Resume the endpoint to replay its deliveries.</p>}
          <DeliveryTable deliveries={props.deliveries} zoneLabel={props.zoneLabel} canReplay={props.canReplay} />
        </>
      )}
      <nav class="wh-paging" aria-label="Delivery pages">
        {props.paged && (
          <a class="pg-btn pg-small" href={`/app/webhooks/${props.endpointId}`}>
            Newest
          </a>
        )}
        {props.nextCursor && (
          <a class="pg-btn pg-small" href={`/app/webhooks/${props.endpointId}?cursor=${encodeURIComponent(props.nextCursor)}`} rel="next">
            Older deliveries
          </a>
        )}
      </nav>
    </div>
  );
}

/** `/app/webhooks/:id`: one endpoint, its actions, and its delivery log. */
export function WebhookLogPage(props: {
  user: SessionUser;
  endpoint: EndpointView;
  deliveries: DeliveryView[];
  nextCursor: string | null;
  paged: boolean;
  zoneLabel: string;
}) {
  const w = props.endpoint;
  return (
    <AppShell user={props.user} current="webhooks" title={`Deliveries · ${w.url}`} styles={['/webhooks.css']} scripts={['/webhooks.js']}>
      <p class="wh-back">
        <a href="/app/webhooks">← Webhooks</a>
      </p>
      <div class={`wh-detail wh-${w.status}`} data-endpoint={w.id} data-url={w.url}>
        <h1 class="wh-url wh-title">{w.url}</h1>
        <p class="wh-meta">
          <StatusBadge status={w.status} />
          <OwnerLabel w={w} viewerId={props.user.id} everyone={props.user.role === 'admin'} />
          <span class="wh-created">Added {w.createdLabel}</span>
        </p>
        <ul class="wh-events" aria-label="Events">
          {w.events.map((e) => (
            <li class="pg-chip">{e}</li>
          ))}
        </ul>
        <EndpointActions w={w} log={false} />
      </div>
      <section aria-labelledby="wh-log-heading" class="wh-log-section">
        <div class="wh-log-head">
          <h2 id="wh-log-heading">Deliveries</h2>
          <span class="muted wh-zone">Newest first · times in {props.zoneLabel}</span>
        </div>
        <DeliveryLog
          endpointId={w.id}
          deliveries={props.deliveries}
          nextCursor={props.nextCursor}
          paged={props.paged}
          zoneLabel={props.zoneLabel}
          canReplay={w.status === 'active'}
        />
      </section>
    </AppShell>
  );
}
