// Team page (/app/team): invite a user, change a user's team or role in place, resend an invite.
// The server enforces every rule; this only speaks the API and shows its answers.
(() => {
  const api = async (method, url, body) => {
    const res = await fetch(url, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    const data = await res.json().catch(() => ({}));
    return { ok: res.ok, status: res.status, data };
  };
  const teamValue = (select) => (select.value === '' ? null : Number(select.value));
  const failure = (r) => r.data?.error?.message ?? `Something went wrong (${r.status}). Try again.`;

  // Invite: server issues appear next to their fields; what was typed stays.
  const invite = document.querySelector('form[data-invite]');
  const inviteError = document.querySelector('[data-invite-error]');
  invite?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = invite.querySelector('button[type=submit]');
    for (const el of invite.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const el of invite.querySelectorAll('[data-error-for]')) el.textContent = '';
    inviteError.textContent = '';
    button.disabled = true;
    button.textContent = 'Sending…';
    const f = (name) => invite.elements.namedItem(name);
    const r = await api('POST', '/api/users', { name: f('name').value, email: f('email').value.trim(), teamId: teamValue(f('teamId')), role: f('role').value }).catch(() => ({ ok: false, status: 0, data: {} }));
    button.disabled = false;
    button.textContent = 'Send invite';
    if (r.ok) {
      location.assign(`/app/team?invited=${r.data.user.id}`);
      return;
    }
    let first = null;
    for (const issue of r.data?.error?.issues ?? []) {
      const name = issue.path?.[0];
      const field = typeof name === 'string' ? f(name) : null;
      const slot = invite.querySelector(`[data-error-for="${name}"]`);
      if (!field || !slot) continue;
      field.setAttribute('aria-invalid', 'true');
      if (!slot.textContent) slot.textContent = issue.message;
      first ??= field;
    }
    if (first) first.focus();
    else inviteError.textContent = failure(r);
  });

  // A notice from the previous step (an invitation sent) is read out once the page is back.
  const notice = document.querySelector('[data-notice]');
  if (notice?.textContent.trim()) notice.focus();

  // Each row: Save sends only what changed; the row's status line says what happened.
  for (const form of document.querySelectorAll('form[data-user-form]')) {
    const row = form.closest('tr');
    const userId = row.dataset.userId;
    const status = form.parentElement.querySelector('[data-row-status]');
    const fields = () => [...document.querySelectorAll(`[form="${form.id}"]`)];
    const say = (text, bad) => {
      status.textContent = text;
      status.classList.toggle('error', !!bad);
    };
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = {};
      for (const el of fields()) {
        if (el.disabled || el.value === el.dataset.initial) continue;
        body[el.name] = el.name === 'teamId' ? teamValue(el) : el.value;
      }
      if (Object.keys(body).length === 0) return say('No changes to save');
      say('Saving…');
      const r = await api('PATCH', `/api/users/${userId}`, body).catch(() => ({ ok: false, status: 0, data: {} }));
      if (!r.ok) return say(failure(r), true);
      for (const el of fields()) el.dataset.initial = el.value;
      say(`Saved: ${row.querySelector('.tm-name').textContent.trim()} is now ${fields().map((el) => el.selectedOptions[0].textContent.trim()).join(', ')}`);
    });
    form.querySelector('[data-resend]')?.addEventListener('click', async () => {
      say('Sending a new link…');
      const r = await api('POST', `/api/users/${userId}/invite`).catch(() => ({ ok: false, status: 0, data: {} }));
      if (!r.ok) return say(failure(r), true);
      const badge = row.querySelector('[data-status-badge]');
      badge.textContent = 'Invited';
      badge.className = 'tm-badge tm-badge-invited';
      row.querySelector('[data-status-help]').textContent = 'Link not used yet';
      say('New link sent; older links no longer work');
    });
  }
})();
