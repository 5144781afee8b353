import { Layout } from './layout';

export const LoginPage = (props: { email?: string; error?: string }) => (
  <Layout title="Sign in">
    <main class="narrow">
      <h1>Sign in</h1>
      <form method="post" action="/login" class="stack">
        {props.error && (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        <label>
          Email
          <input type="email" name="email" autocomplete="username" required value={props.email ?? ''} />
        </label>
        <label>
          Password
          <input type="password" name="password" autocomplete="current-password" required />
        </label>
        <button type="submit">Sign in</button>
      </form>
    </main>
  </Layout>
);
