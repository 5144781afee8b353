import type { Child } from 'hono/jsx';
import { Layout } from './layout';
import type { ScriptPath, StylePath } from './assets';
import type { SessionUser } from '../domain/permissions';

/** The signed-in app's sections, in sidebar order. `admin` items show only to admins. */
export const APP_SECTIONS = [
  { id: 'bookings', href: '/app/bookings', label: 'Bookings' },
  { id: 'pages', href: '/app/pages', label: 'Scheduling pages' },
  { id: 'availability', href: '/app/availability', label: 'Availability' },
  { id: 'workflows', href: '/app/workflows', label: 'Workflows' },
  { id: 'webhooks', href: '/app/webhooks', label: 'Webhooks' },
  { id: 'team', href: '/app/team', label: 'Team', admin: true },
] as const;

export type AppSection = (typeof APP_SECTIONS)[number]['id'];

/** Every `/app/*` page: the sidebar (current section marked) beside the page's own content; `styles`: its area's sheets, after /app.css. */
export function AppShell(props: { user: SessionUser; current: AppSection; title: string; styles?: StylePath[]; scripts?: ScriptPath[]; children: Child }) {
  return (
    <Layout title={props.title} styles={['/app.css', ...(props.styles ?? [])]} scripts={props.scripts} bodyClass="app">
      <nav class="sidebar" aria-label="Main">
        <p class="brand">CRM</p>
        <p class="nav-heading">Tools</p>
        {APP_SECTIONS.filter((s) => !('admin' in s) || props.user.role === 'admin').map((s) => (
          <a href={s.href} aria-current={s.id === props.current ? 'page' : undefined}>
            {s.label}
          </a>
        ))}
        <form method="post" action="/logout">
          <button type="submit" class="link">
            Sign out ({props.user.name})
          </button>
        </form>
      </nav>
      <main>{props.children}</main>
    </Layout>
  );
}
