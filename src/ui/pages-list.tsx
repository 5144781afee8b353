import { AppShell } from './app-shell';
import type { SessionUser } from '../domain/permissions';
import { locationLabel } from '../domain/format';
import { STRATEGY_LABELS } from './page-editor-draft';

export type PageListItem = {
  id: number;
  slug: string;
  title: string;
  durationMinutes: number;
  locationType: string;
  strategy: string;
  groupCapacity: number | null;
  active: boolean;
  hostNames: string[];
  url: string;
  canEdit: boolean;
};

export const duration = (m: number) => (m % 60 === 0 ? `${m / 60} h` : m > 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`);

function ActiveSwitch({ p }: { p: PageListItem }) {
  if (!p.canEdit) return <span class={`pl-state${p.active ? ' on' : ''}`}>{p.active ? 'Active' : 'Inactive'}</span>;
  // A real button: Space and Enter toggle it without any key handling of ours. Its page's id and
  // title are read from the row (data-page-id, the heading): 500+ rows, each attribute once.
  return (
    <button
      type="button"
      class="pg-switch"
      role="switch"
      aria-checked={p.active ? 'true' : 'false'}
      aria-label={`Accepting bookings: ${p.title}`}
      data-toggle-active
    >
      <span class="pg-switch-track" aria-hidden="true"></span>
      <span class="pg-switch-text" aria-hidden="true">
        {p.active ? 'On' : 'Off'}
      </span>
    </button>
  );
}

function PageCard({ p }: { p: PageListItem }) {
  return (
    <li class={`pl-item${p.active ? '' : ' pl-off'}`} data-page-id={p.id}>
      <div class="pl-main">
        <h2 class="pl-title">
          <a href={`/app/pages/${p.id}`}>{p.title}</a>
        </h2>
        <a class="pl-link" href={`/b/${p.slug}`}>
          /b/{p.slug}
        </a>
        <p class="pl-meta">
          <span class="pg-chip">{duration(p.durationMinutes)}</span>
          <span class="pg-chip">{p.strategy === 'group' && p.groupCapacity ? `Group · ${p.groupCapacity} seats` : STRATEGY_LABELS[p.strategy]}</span>
          <span class="pg-chip">{locationLabel(p.locationType)}</span>
          <span class="pl-hosts">
            <span class="visually-hidden">Hosts: </span>
            {p.hostNames.join(', ')}
          </span>
        </p>
      </div>
      <div class="pl-actions">
        <ActiveSwitch p={p} />
        <button type="button" data-copy={p.url} aria-label={`Copy link to ${p.title}`}>
          Copy link
        </button>
      </div>
    </li>
  );
}

/** `/app/pages`: the pages the viewer may see; actions only where they may edit. */
export function PagesList(props: { user: SessionUser; pages: PageListItem[]; canCreate: boolean; notice?: string }) {
  return (
    <AppShell user={props.user} current="pages" title="Scheduling pages" styles={['/pages.css']} scripts={['/pages.js']}>
      <div class="pl-head">
        <div>
          <h1>Scheduling pages</h1>
          <p class="muted">Share a link, and people book time with you or your team.</p>
        </div>
        {props.canCreate && (
          <a class="pg-btn primary" href="/app/pages/new">
            New page
          </a>
        )}
      </div>
      <p class="pl-status" role="status" data-status>
        {props.notice}
      </p>
      {props.pages.length === 0 ? (
        <div class="pl-empty">
          <h2>No scheduling pages yet</h2>
          <p class="muted">
            {props.canCreate
              ? 'Create a page with a title, a link and a duration; bookers pick a time from your availability.'
              : 'Pages that you or your team host will appear here.'}
          </p>
          {props.canCreate && (
            <a class="pg-btn primary" href="/app/pages/new">
              Create your first page
            </a>
          )}
        </div>
      ) : (
        <ul class="pl-list">
          {props.pages.map((p) => (
            <PageCard p={p} />
          ))}
        </ul>
      )}
    </AppShell>
  );
}
