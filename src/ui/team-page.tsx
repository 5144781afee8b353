import type { Child } from 'hono/jsx';
import { AppShell } from './app-shell';
import type { SessionUser } from '../domain/permissions';
import { TeamTable, type TeamMember } from './team-table';
import { RoleSelect, TeamSelect, roleLabel, type TeamChoices } from './team-fields';

/** What each role may do, in the words of SPEC 3, shown beside the role choice. */
const ROLE_HELP: Record<string, string> = {
  admin: 'everything, across the organization, and manages the team',
  sales_manager: "views, edits and cancels their team's pages and bookings",
  sales_rep: 'views, edits and cancels their own pages and bookings',
  viewer: "sees their team's pages and bookings, changes nothing",
};

function Field(props: { name: string; label: string; children: Child }) {
  return (
    <div class="tm-field">
      <label for={`invite-${props.name}`}>{props.label}</label>
      {props.children}
      <span id={`invite-${props.name}-error`} class="field-error" data-error-for={props.name}></span>
    </div>
  );
}

function InviteForm({ choices, defaultTeam }: { choices: TeamChoices; defaultTeam: number | null }) {
  const defaultRole = choices.roles.includes('sales_rep') ? 'sales_rep' : choices.roles[0];
  return (
    <section class="tm-card" aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite user</h2>
      <p class="muted tm-lede">They get an email with a link to set their password (it works once, for 72 hours), and start with Mon–Fri 9–5 working hours.</p>
      <form class="tm-invite" data-invite method="post" novalidate>
        <Field name="name" label="Name">
          <input id="invite-name" name="name" autocomplete="off" maxlength={100} required aria-describedby="invite-name-error" />
        </Field>
        <Field name="email" label="Email">
          <input id="invite-email" name="email" type="email" autocomplete="off" maxlength={254} required aria-describedby="invite-email-error" />
        </Field>
        <Field name="teamId" label="Team">
          <TeamSelect choices={choices} value={defaultTeam} id="invite-teamId" />
        </Field>
        <Field name="role" label="Role">
          <RoleSelect choices={choices} value={defaultRole} id="invite-role" describedBy="invite-role-error" />
        </Field>
        <div class="tm-invite-submit">
          <button type="submit">Send invite</button>
        </div>
      </form>
      <p class="form-error" role="alert" data-invite-error></p>
      <details class="tm-roles">
        <summary>What each role can do</summary>
        <dl>
          {choices.roles.map((r) => (
            <>
              <dt>{roleLabel(r)}</dt>
              <dd>{ROLE_HELP[r] ?? 'permissions as configured for this role'}</dd>
            </>
          ))}
        </dl>
      </details>
    </section>
  );
}

/** `/app/team` (admins): everyone with team, role and status; invite; change team or role in place. */
export function TeamPage(props: { user: SessionUser; members: TeamMember[]; choices: TeamChoices; notice?: string }) {
  const invited = props.members.filter((m) => m.status !== 'active').length;
  return (
    <AppShell user={props.user} current="team" title="Team" styles={['/team.css']} scripts={['/team.js']}>
      <div class="tm-head">
        <h1>Team</h1>
        <p class="muted">Invite people, and choose which team they belong to and what their role lets them do. Changes apply at once.</p>
      </div>
      <p class="tm-notice" role="status" data-notice tabindex={-1}>
        {props.notice}
      </p>
      <InviteForm choices={props.choices} defaultTeam={props.choices.teams[0]?.id ?? null} />
      <section class="tm-people" aria-labelledby="people-heading">
        <h2 id="people-heading">
          People <span class="tm-count">{props.members.length}</span>
          {invited > 0 && <span class="tm-count-note"> · {invited} not signed in yet</span>}
        </h2>
        <TeamTable user={props.user} members={props.members} choices={props.choices} />
      </section>
    </AppShell>
  );
}
