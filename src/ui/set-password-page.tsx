import { Layout } from './layout';

export type SetPasswordErrors = { password?: string; confirm?: string; form?: string };

/** One labelled password field with its rule and its server issue, tied together for screen readers. */
function PasswordField(props: { name: 'password' | 'confirm'; label: string; hint?: string; error?: string }) {
  const describedBy = [props.hint ? `${props.name}-hint` : '', `${props.name}-error`].filter(Boolean).join(' ');
  return (
    <div class="tm-field">
      <label for={props.name}>{props.label}</label>
      <input
        id={props.name}
        type="password"
        name={props.name}
        autocomplete="new-password"
        minlength={12}
        maxlength={200}
        required
        aria-describedby={describedBy}
        aria-invalid={props.error ? 'true' : undefined}
      />
      {props.hint && (
        <p id={`${props.name}-hint`} class="tm-hint">
          {props.hint}
        </p>
      )}
      <span id={`${props.name}-error`} class="field-error">
        {props.error}
      </span>
    </div>
  );
}

/**
 * `/set-password/<token>`: a plain form that posts back to the same address, so it works
 * without JavaScript; the answer signs the user in and lands on the Bookings page.
 */
export function SetPasswordPage(props: { token: string; name: string; email: string; errors?: SetPasswordErrors }) {
  const errors = props.errors ?? {};
  return (
    <Layout title="Set your password" styles={['/team.css']} bodyClass="tm-auth">
      <main class="tm-auth-card">
        <p class="tm-brand">Bookings</p>
        <h1>Set your password</h1>
        <p class="muted">
          Welcome, {props.name}. Choose a password, and you're signed in to schedule meetings and work your bookings.
        </p>
        <form method="post" action={`/set-password/${props.token}`} class="tm-auth-form">
          {errors.form && (
            <p class="error" role="alert">
              {errors.form}
            </p>
          )}
          <div class="tm-field">
            <label for="email">Email</label>
            <input id="email" type="email" name="email" value={props.email} autocomplete="username" readonly />
          </div>
          <PasswordField name="password" label="New password" hint="At least 12 characters. A few unrelated words make a strong one." error={errors.password} />
          <PasswordField name="confirm" label="Confirm password" error={errors.confirm} />
          <button type="submit" class="tm-wide">
            Set password and sign in
          </button>
        </form>
      </main>
    </Layout>
  );
}

/** Unknown, used and expired links all get this page: it says nothing of whose link it was. */
export function DeadSetPasswordLink() {
  return (
    <Layout title="Link no longer works" styles={['/team.css']} bodyClass="tm-auth">
      <main class="tm-auth-card">
        <p class="tm-brand">Bookings</p>
        <h1>This link no longer works</h1>
        <p>Set-password links work once and expire after 72 hours. Ask an admin on your team to send you a new invitation.</p>
        <p class="muted">
          Already set your password? <a href="/login">Sign in</a>
        </p>
      </main>
    </Layout>
  );
}
