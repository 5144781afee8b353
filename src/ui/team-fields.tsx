/** The team and role choices of the Team page: the invite form's and each row's. */
export const ROLE_LABELS: Record<string, string> = { admin: 'Admin', sales_manager: 'Sales manager', sales_rep: 'Sales rep', viewer: 'Viewer' };
export const roleLabel = (role: string) => ROLE_LABELS[role] ?? role.replace(/_/g, ' ');

export type TeamChoices = { teams: { id: number; name: string }[]; roles: string[] };

export function TeamSelect(props: { choices: TeamChoices; value: number | null; id?: string; form?: string; label?: string }) {
  return (
    <select id={props.id} name="teamId" form={props.form} aria-label={props.label} data-initial={String(props.value ?? '')}>
      <option value="" selected={props.value === null}>
        No team
      </option>
      {props.choices.teams.map((t) => (
        <option value={String(t.id)} selected={t.id === props.value}>
          {t.name}
        </option>
      ))}
    </select>
  );
}

export function RoleSelect(props: { choices: TeamChoices; value: string; id?: string; form?: string; label?: string; disabled?: boolean; describedBy?: string }) {
  return (
    <select
      id={props.id}
      name="role"
      form={props.form}
      aria-label={props.label}
      disabled={props.disabled}
      aria-describedby={props.describedBy}
      data-initial={props.value}
    >
      {props.choices.roles.map((r) => (
        <option value={r} selected={r === props.value}>
          {roleLabel(r)}
        </option>
      ))}
    </select>
  );
}
