import { AppShell } from './app-shell';
import type { SessionUser } from '../domain/permissions';
import { EVENT_HELP, EndpointCard, type EndpointView } from './webhooks-endpoint';
import { SecretValue, VerifyHelp } from './webhooks-secret';

/** What a no-JS create posted, shown again beside the server's issues (field → message). */
export type CreateDraft = { url: string; events: string[]; organization: boolean; issues: Record<string, string>; message?: string };

const invalid = (draft: CreateDraft | undefined, field: string) => (draft?.issues[field] ? ('true' as const) : undefined);

/** The create form: URL, events (all booking events, described), and for admins the organization switch. */
function CreateForm({ events, isAdmin, draft }: { events: string[]; isAdmin: boolean; draft?: CreateDraft }) {
  return (
    <section class="tm-card wh-create" aria-labelledby="wh-create-heading">
      <h2 id="wh-create-heading">Add an endpoint</h2>
      <p class="muted tm-lede">
        We POST each event as JSON to your URL, signed the Standard Webhooks way, and retry failures for up to three days.
      </p>
      <form data-create-webhook method="post" novalidate>
        <div class="wh-field">
          <label for="wh-url">Endpoint URL</label>
          <input
            id="wh-url"
            name="url"
            type="url"
            inputmode="url"
            autocomplete="off"
            spellcheck={false}
            maxlength={2048}
            placeholder="https://example.com/webhooks/bookings"
            required
            value={draft?.url}
            aria-invalid={invalid(draft, 'url')}
            aria-describedby="wh-url-hint wh-url-error"
          />
          <span id="wh-url-hint" class="tm-hint">
            An https address your server answers with a 2xx within 15 seconds. Redirects are not followed.
          </span>
          <span id="wh-url-error" class="field-error" data-error-for="url">
            {draft?.issues.url}
          </span>
        </div>
        <fieldset class="wh-field wh-events-field" aria-describedby="wh-events-error">
          <legend>Events to send</legend>
          {events.map((e) => (
            <label class="wh-check">
              <input type="checkbox" name="events" value={e} checked={!draft || draft.events.includes(e)} aria-describedby="wh-events-error" />
              <span>
                <code>{e}</code>
                <span class="wh-check-help">{EVENT_HELP[e] ?? ''}</span>
              </span>
            </label>
          ))}
          <span id="wh-events-error" class="field-error" data-error-for="events">
            {draft?.issues.events}
          </span>
        </fieldset>
        {isAdmin && (
          <div class="wh-field">
            <label class="wh-check">
              <input type="checkbox" name="organization" value="true" checked={draft?.organization} aria-describedby="wh-org-hint wh-organization-error" />
              <span>
                Organization endpoint (every booking)
                <span class="wh-check-help" id="wh-org-hint">
                  Otherwise it gets only the bookings in your own scope, like any personal endpoint.
                </span>
              </span>
            </label>
            <span id="wh-organization-error" class="field-error" data-error-for="organization">
              {draft?.issues.organization}
            </span>
          </div>
        )}
        <div class="wh-submit">
          <button type="submit">Add endpoint</button>
        </div>
        <p class="form-error" role="alert" data-create-error>
          {draft?.message}
        </p>
      </form>
    </section>
  );
}

/**
 * Shown once after a create: the secret, a Copy button, and how to verify with it. webhooks.js
 * fills it in after its own create; a create posted without script gets it in this page (`secret`).
 */
function SecretPanel({ secret }: { secret?: string }) {
  return (
    <section class="wh-secret wh-secret-new" data-new-secret hidden={!secret} tabindex={-1} aria-labelledby="wh-secret-heading">
      <h2 id="wh-secret-heading">Endpoint added: copy its signing secret now</h2>
      <p>
        This is the only time it is shown. Keep it in your receiver's configuration; if you lose it, rotate the secret to get a new one.
      </p>
      {secret ? (
        <div class="wh-secret-value">
          <code data-secret-value>{secret}</code>
          <button type="button" class="pg-small wh-primary" data-action="copy-secret">
            Copy
          </button>
          <span class="wh-copied" role="status" data-copy-status></span>
        </div>
      ) : (
        <SecretValue />
      )}
      <VerifyHelp />
      <button type="button" class="pg-small" data-action="dismiss-secret">
        I have stored it
      </button>
    </section>
  );
}

export function EndpointList({ endpoints, viewerId, everyone }: { endpoints: EndpointView[]; viewerId: number; everyone: boolean }) {
  return (
    <section class="wh-list-section" aria-labelledby="wh-list-heading" data-endpoint-list>
      <h2 id="wh-list-heading">
        Endpoints <span class="tm-count">{endpoints.length}</span>
      </h2>
      {endpoints.length === 0 ? (
        <div class="pl-empty wh-empty">
          <h3>No endpoints yet</h3>
          <p class="muted">Add a URL above, then press “Send test” to see a signed ping arrive and appear in its delivery log.</p>
        </div>
      ) : (
        <ul class="wh-list">
          {endpoints.map((w) => (
            <EndpointCard w={w} viewerId={viewerId} everyone={everyone} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** `/app/webhooks`: the caller's endpoints (admins: all), create, and the secret shown once. */
export function WebhooksPage(props: { user: SessionUser; endpoints: EndpointView[]; events: string[]; notice?: string; draft?: CreateDraft; secret?: string }) {
  const canEdit = !!props.user.permissions.edit;
  const isAdmin = props.user.role === 'admin';
  return (
    <AppShell user={props.user} current="webhooks" title="Webhooks" styles={['/webhooks.css']} scripts={['/webhooks.js']}>
      <div class="tm-head">
        <h1>Webhooks</h1>
        <p class="muted">
          Send booking events to Slack, Zapier, your CRM or warehouse.{' '}
          {isAdmin ? 'You see every endpoint in the organization.' : 'You see the endpoints you own.'}
        </p>
      </div>
      <p class="tm-notice" role="status" data-notice tabindex={-1}>
        {props.notice}
      </p>
      {canEdit ? (
        <>
          <CreateForm events={props.events} isAdmin={isAdmin} draft={props.draft} />
          <SecretPanel secret={props.secret} />
        </>
      ) : (
        <div class="tm-card wh-readonly">
          <h2>Webhooks need the edit permission</h2>
          <p class="muted">
            An endpoint sends booking details to another system, so only people who may edit bookings can add one. Your role can view
            bookings but not edit them; ask an admin if you need an integration.
          </p>
        </div>
      )}
      {(canEdit || props.endpoints.length > 0) && <EndpointList endpoints={props.endpoints} viewerId={props.user.id} everyone={isAdmin} />}
    </AppShell>
  );
}
