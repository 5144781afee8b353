/** A signing secret shown once (after create or rotate): the value, Copy, and how to verify with it. */

/** The secret's box with its Copy button; webhooks.js fills in the value, it is never in the HTML. */
export function SecretValue() {
  return (
    <div class="wh-secret-value">
      <code data-secret-value></code>
      <button type="button" class="pg-small wh-primary" data-action="copy-secret">
        Copy
      </button>
      <span class="wh-copied" role="status" data-copy-status></span>
    </div>
  );
}

export function VerifyHelp() {
  return (
    <p class="wh-verify">
      To verify a delivery, compute the HMAC-SHA256 of <code>webhook-id.webhook-timestamp.body</code> with the secret's bytes (the
      base64 after <code>whsec_</code>) and compare it with <code>webhook-signature</code>, or let an official{' '}
      <a href="https://www.standardwebhooks.com/" rel="noreferrer">
        Standard Webhooks
      </a>{' '}
      library do it. Reject timestamps more than 5 minutes old.
    </p>
  );
}

/** After a rotation, inside the endpoint's card. */
export function RotatedSecret({ id }: { id: string }) {
  return (
    <section class="wh-secret" data-rotated-secret hidden tabindex={-1} aria-labelledby={`wh-rotated-${id}`}>
      <h4 id={`wh-rotated-${id}`}>New signing secret: copy it now</h4>
      <p>It is shown only this once. The previous secret stays valid for 24 hours; deliveries are signed with both until then.</p>
      <SecretValue />
      <button type="button" class="pg-small" data-action="dismiss-secret">
        I have stored it
      </button>
    </section>
  );
}
