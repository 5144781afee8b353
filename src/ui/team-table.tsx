import type { SessionUser } from '../domain/permissions';
import { RoleSelect, TeamSelect, type TeamChoices } from './team-fields';

export type TeamMember = {
  id: number;
  name: string;
  email: string;
  teamId: number | null;
  teamName: string | null;
  role: string;
  status: 'active' | 'invited' | 'expired';
};

const STATUS_LABELS: Record<TeamMember['status'], string> = { active: 'Active', invited: 'Invited', expired: 'Invite expired' };
const STATUS_HELP: Record<TeamMember['status'], string> = {
  active: '',
  invited: 'Link not used yet',
  expired: 'Link expired unused; send a new one',
};

function Status({ m }: { m: TeamMember }) {
  return (
    <span class="tm-status-cell">
      <span class={`tm-badge tm-badge-${m.status}`} data-status-badge>
        {STATUS_LABELS[m.status]}
      </span>
      <span class="tm-hint" data-status-help>
        {STATUS_HELP[m.status]}
      </span>
    </span>
  );
}

function MemberRow({ m, user, choices }: { m: TeamMember; user: SessionUser; choices: TeamChoices }) {
  const self = m.id === user.id;
  const form = `user-form-${m.id}`;
  return (
    <tr data-user-id={m.id}>
      <td class="tm-name-cell">
        <span class="tm-name">{m.name}</span>
        {self && <span class="tm-you">You</span>}
      </td>
      <td data-label="Email">
        <div class="tm-email">{m.email}</div>
      </td>
      <td data-label="Team">
        <div>
          <TeamSelect choices={choices} value={m.teamId} form={form} label={`Team of ${m.name}`} />
        </div>
      </td>
      <td data-label="Role">
        <div>
          <RoleSelect
          choices={choices}
          value={m.role}
          form={form}
          label={`Role of ${m.name}`}
          disabled={self}
          describedBy={self ? `own-role-${m.id}` : undefined}
        />
          {self && (
            <span id={`own-role-${m.id}`} class="tm-hint">
              You can't change your own role; another admin can.
            </span>
          )}
        </div>
      </td>
      <td data-label="Status">
        <div>
          <Status m={m} />
        </div>
      </td>
      <td class="tm-row-actions">
        {/* The row's id and name are read from the row (500+ rows: each once). */}
        <form id={form} data-user-form method="post">
          <button type="submit" aria-label={`Save team and role of ${m.name}`}>
            Save
          </button>
          {m.status !== 'active' && (
            <button type="button" data-resend aria-label={`Resend invite to ${m.name}`}>
              Resend invite
            </button>
          )}
        </form>
        <span class="tm-row-status" role="status" data-row-status></span>
      </td>
    </tr>
  );
}

export function TeamTable(props: { user: SessionUser; members: TeamMember[]; choices: TeamChoices }) {
  return (
    <table class="tm-table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Email</th>
          <th scope="col">Team</th>
          <th scope="col">Role</th>
          <th scope="col">Status</th>
          <th scope="col">
            <span class="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.members.map((m) => (
          <MemberRow m={m} user={props.user} choices={props.choices} />
        ))}
      </tbody>
    </table>
  );
}
