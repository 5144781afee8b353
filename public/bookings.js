// Bookings page: inline drawers and dialogs on top of server-rendered rows.
(() => {
  const post = async (url, body) => {
    const res = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await res.json(); } catch { /* empty body */ }
    return { ok: res.ok, status: res.status, data };
  };
  const messageFor = (r) => {
    const code = r.data && r.data.error && r.data.error.code;
    if (code === 'already_booked') return 'That time is already booked. Pick another time.';
    if (code === 'invalid_state') return 'This booking can no longer be changed. Reload the page.';
    if (code === 'validation_failed') {
      const issue = r.data.error.issues && r.data.error.issues[0];
      return issue ? issue.message : r.data.error.message;
    }
    return (r.data && r.data.error && r.data.error.message) || 'Something went wrong. Try again.';
  };

  for (const item of document.querySelectorAll('.booking')) {
    const id = item.dataset.id;
    const toggle = item.querySelector('.row');
    const drawer = item.querySelector('.drawer');
    const status = drawer.querySelector('.action-status');
    toggle.addEventListener('click', () => {
      const open = toggle.getAttribute('aria-expanded') === 'true';
      toggle.setAttribute('aria-expanded', String(!open));
      drawer.hidden = open;
    });

    for (const opener of drawer.querySelectorAll('[data-open]')) {
      opener.addEventListener('click', () => {
        const form = drawer.querySelector(`[data-dialog="${opener.dataset.open}"]`);
        form.hidden = false;
        opener.setAttribute('aria-expanded', 'true');
        form.querySelector('input, textarea').focus();
      });
    }
    for (const form of drawer.querySelectorAll('[data-dialog]')) {
      const error = form.querySelector('.form-error');
      form.querySelector('[data-close]').addEventListener('click', () => {
        form.hidden = true;
        const opener = drawer.querySelector(`[data-open="${form.dataset.dialog}"]`);
        opener.setAttribute('aria-expanded', 'false');
        opener.focus();
      });
      const count = form.querySelector('[data-count]');
      const reason = form.querySelector('textarea[name=reason]');
      if (count && reason) reason.addEventListener('input', () => { count.textContent = `${reason.value.length} / 500`; });
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        error.textContent = '';
        const data = new FormData(form);
        let r;
        if (form.dataset.dialog === 'reschedule') {
          // datetime-local is the viewer's local wall time; the API takes UTC.
          const local = new Date(String(data.get('start')));
          if (Number.isNaN(local.getTime())) { error.textContent = 'Pick a new start.'; return; }
          const message = String(data.get('message') || '').trim();
          r = await post(`/api/bookings/${id}/reschedule`, message ? { start: local.toISOString(), message } : { start: local.toISOString() });
        } else {
          const text = String(data.get('reason') || '').trim();
          r = await post(`/api/bookings/${id}/cancel`, text ? { reason: text } : {});
        }
        if (!r.ok) { error.textContent = messageFor(r); return; }
        status.textContent = form.dataset.dialog === 'reschedule' ? 'Rescheduled.' : 'Cancelled.';
        location.reload();
      });
    }

    const linkButton = drawer.querySelector('[data-action="manage-link"]');
    if (linkButton) {
      linkButton.addEventListener('click', async () => {
        const r = await post(`/api/bookings/${id}/manage-link`);
        if (!r.ok) { status.textContent = messageFor(r); return; }
        const url = r.data.manageUrl;
        try {
          await navigator.clipboard.writeText(url);
          status.textContent = `New manage link copied: ${url}`;
        } catch {
          status.textContent = `New manage link (copy it now): ${url}`;
        }
        status.dataset.url = url;
      });
    }
    for (const button of drawer.querySelectorAll('[data-action="attendance"]')) {
      button.addEventListener('click', async () => {
        // A group attendee's own mark carries their id; without it the whole occurrence is marked.
        const body = { status: button.dataset.status };
        if (button.dataset.attendee) body.attendeeId = button.dataset.attendee;
        const r = await post(`/api/bookings/${id}/attendance`, body);
        if (!r.ok) { status.textContent = messageFor(r); return; }
        location.reload();
      });
    }
  }
})();
