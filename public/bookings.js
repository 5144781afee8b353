// Bookings page: inline drawers, dialogs and bulk actions on top of server-rendered rows.
// Listeners are delegated from the document, so rows replaced after a bulk action keep working.
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
  const REASONS = {
    already_booked: 'That time is already booked. Pick another time.',
    invalid_state: 'This booking can no longer be changed.',
    not_found: 'This booking is not there any more.',
    forbidden: 'You may not change this booking.',
    unavailable: 'The calendar was busy; try again.',
  };
  const messageFor = (r) => {
    const code = r.data && r.data.error && r.data.error.code;
    if (code === 'invalid_state') return 'This booking can no longer be changed. Reload the page.';
    if (REASONS[code]) return REASONS[code];
    if (code === 'validation_failed') {
      const issue = r.data.error.issues && r.data.error.issues[0];
      return issue ? issue.message : r.data.error.message;
    }
    return (r.data && r.data.error && r.data.error.message) || 'Something went wrong. Try again.';
  };
  const itemOf = (el) => el.closest('.booking');

  // The drawer's message timeline (SPEC 11): fetched once, the first time the drawer opens.
  const KINDS = {
    booking_confirmation: 'Confirmation',
    booking_host_notification: 'Host notification',
    host_rescheduled: 'New time proposed (to booker)',
    booker_rescheduled: 'Rescheduled by booker (to host)',
    cancellation_booker: 'Cancellation (to booker)',
    cancellation_host: 'Cancellation (to host)',
    briefing: 'Briefing',
  };
  const STATUSES = { pending: 'Pending', sent: 'Sent', failed: 'Failed', skipped: 'Skipped', cancelled: 'Cancelled' };
  const when = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
  const at = (iso) => (iso ? when.format(new Date(iso)) : '');
  const node = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
  const messageItem = (m) => {
    const li = node('li', `mt-item mt-${m.status}`);
    li.dataset.messageId = m.id;
    li.append(node('span', 'mt-dot'));
    const body = node('div', 'mt-body');
    const title = node('p', 'mt-title');
    // A workflow's message goes by the workflow's name ("Reminder 1 hour before").
    title.append(node('span', 'mt-kind', m.workflowName || KINDS[m.kind] || (m.workflowId ? 'Workflow message' : m.kind)), ' ');
    title.append(node('span', `mt-badge mt-b-${m.status}`, STATUSES[m.status] || m.status));
    body.append(title);
    const time = m.status === 'sent' && m.sentAt ? `Sent ${at(m.sentAt)}` : m.status === 'pending' ? `Due ${at(m.dueAt)}` : `Was due ${at(m.dueAt)}`;
    const attempts = m.attempts > 0 ? ` · ${m.attempts} attempt${m.attempts === 1 ? '' : 's'}` : '';
    body.append(node('p', 'mt-meta', `To ${m.recipient} · ${time}${attempts}`));
    // Skipped and cancelled rows carry their reason ("Not sent: …"); the others their last error.
    if (m.lastError) body.append(node('p', 'mt-error', m.status === 'skipped' || m.status === 'cancelled' ? m.lastError : `Last error: ${m.lastError}`));
    li.append(body);
    return li;
  };
  const loadMessages = async (drawer) => {
    const box = drawer.querySelector('[data-messages]');
    if (!box || box.dataset.loaded === 'true' || box.dataset.loaded === 'loading') return;
    box.dataset.loaded = 'loading';
    const state = box.querySelector('[data-messages-state]');
    const list = box.querySelector('[data-messages-list]');
    state.textContent = 'Loading messages…';
    const id = itemOf(box).dataset.id;
    const messages = await fetch(`/api/bookings/${id}/messages`, { credentials: 'same-origin' }).then((r) => (r.ok ? r.json() : null)).catch(() => null);
    if (!messages) {
      box.dataset.loaded = '';
      state.textContent = 'Couldn\u2019t load the messages. Close and open the booking to try again.';
      return;
    }
    const rows = messages.messages; // soonest due first
    list.replaceChildren(...rows.map(messageItem));
    list.hidden = rows.length === 0;
    state.textContent = rows.length === 0 ? 'No messages yet. Confirmations, reminders and follow-ups for this booking appear here.' : '';
    box.dataset.loaded = 'true';
  };
  const drawerOf = (el) => itemOf(el).querySelector('.drawer');

  document.addEventListener('click', async (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const toggle = target.closest('.booking .row');
    if (toggle) {
      const open = toggle.getAttribute('aria-expanded') === 'true';
      toggle.setAttribute('aria-expanded', String(!open));
      drawerOf(toggle).hidden = open;
      if (!open) loadMessages(drawerOf(toggle));
      return;
    }
    const opener = target.closest('.drawer [data-open]');
    if (opener) {
      const form = drawerOf(opener).querySelector(`[data-dialog="${opener.dataset.open}"]`);
      form.hidden = false;
      opener.setAttribute('aria-expanded', 'true');
      form.querySelector('input, textarea').focus();
      return;
    }
    const closer = target.closest('.drawer [data-close]');
    if (closer) {
      const form = closer.closest('[data-dialog]');
      form.hidden = true;
      const back = drawerOf(form).querySelector(`[data-open="${form.dataset.dialog}"]`);
      back.setAttribute('aria-expanded', 'false');
      back.focus();
      return;
    }
    const action = target.closest('.drawer [data-action]');
    if (action) {
      const id = itemOf(action).dataset.id;
      const status = drawerOf(action).querySelector('.action-status');
      if (action.dataset.action === 'manage-link') {
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
      } else {
        // A group attendee's own mark carries their id; without it the whole occurrence is marked.
        const body = { status: action.dataset.status };
        if (action.dataset.attendee) body.attendeeId = action.dataset.attendee;
        const r = await post(`/api/bookings/${id}/attendance`, body);
        if (!r.ok) { status.textContent = messageFor(r); return; }
        location.reload();
      }
    }
  });

  document.addEventListener('input', (event) => {
    const reason = event.target;
    if (!(reason instanceof HTMLTextAreaElement) || reason.name !== 'reason') return;
    const count = reason.closest('form').querySelector('[data-count]');
    if (count) count.textContent = `${reason.value.length} / 500`;
  });

  document.addEventListener('submit', async (event) => {
    const form = event.target.closest('.drawer [data-dialog]');
    if (!form) return;
    event.preventDefault();
    const id = itemOf(form).dataset.id;
    const error = form.querySelector('.form-error');
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
    drawerOf(form).querySelector('.action-status').textContent = form.dataset.dialog === 'reschedule' ? 'Rescheduled.' : 'Cancelled.';
    location.reload();
  });

  // Bulk: select rows, then act on all of them; each booking answers for itself.
  const bulk = document.querySelector('[data-bulk]');
  if (!bulk) return;
  const bar = bulk.querySelector('.bulk-bar');
  const results = bulk.querySelector('[data-bulk-results]');
  const cancelForm = bulk.querySelector('[data-bulk-form="cancel"]');
  const boxes = () => [...document.querySelectorAll('#booking-rows [data-select]')];
  const chosen = () => boxes().filter((b) => b.checked);
  const describe = (id) => {
    const box = document.querySelector(`.booking[data-id="${CSS.escape(id)}"] [data-select]`);
    return box ? box.parentElement.textContent.trim().replace(/^Select /, '') : id;
  };
  const sync = () => {
    const n = chosen().length;
    bar.hidden = n === 0;
    bulk.querySelector('[data-selected-count]').textContent = `${n} selected`;
    const all = document.querySelector('[data-select-all]');
    if (all) {
      all.checked = n > 0 && n === boxes().length;
      all.indeterminate = n > 0 && n < boxes().length;
    }
    if (n === 0 && cancelForm) cancelForm.hidden = true;
  };
  document.addEventListener('change', (event) => {
    const el = event.target;
    if (el.matches('[data-select-all]')) for (const b of boxes()) b.checked = el.checked;
    if (el.matches('[data-select], [data-select-all]')) sync();
  });
  bulk.querySelector('[data-bulk-clear]').addEventListener('click', () => {
    for (const b of boxes()) b.checked = false;
    sync();
  });

  // The same URL again, so rows, counts and the next-page link show the bookings as they are now.
  const refresh = async () => {
    const res = await fetch(location.href, { credentials: 'same-origin' });
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const rows = doc.getElementById('booking-rows');
    if (rows) document.getElementById('booking-rows').replaceWith(rows);
    for (const count of doc.querySelectorAll('[data-count-tab]')) {
      const here = document.querySelector(`[data-count-tab="${count.dataset.countTab}"]`);
      if (here) here.textContent = count.textContent;
    }
    sync();
  };

  const run = async (action, reason) => {
    const ids = chosen().map((b) => b.value);
    if (ids.length === 0) return;
    const names = new Map(ids.map((id) => [id, describe(id)]));
    results.textContent = 'Working…';
    const r = await post('/api/bookings/bulk', reason ? { action, ids, reason } : { action, ids });
    if (!r.ok) { results.textContent = messageFor(r); return; }
    const done = r.data.results.filter((x) => x.ok).length;
    const failed = r.data.results.filter((x) => !x.ok);
    const verb = action === 'cancel' ? 'cancelled' : action === 'attended' ? 'marked attended' : 'marked no-show';
    results.replaceChildren();
    const summary = document.createElement('p');
    summary.textContent = `${done} of ${ids.length} ${verb}.` + (failed.length ? ` ${failed.length} not changed:` : '');
    results.append(summary);
    if (failed.length) {
      const list = document.createElement('ul');
      list.className = 'bulk-failures';
      for (const f of failed) {
        const li = document.createElement('li');
        li.dataset.id = f.id;
        li.textContent = `${names.get(f.id)}: ${REASONS[f.error] || f.message}`;
        list.append(li);
      }
      results.append(list);
    }
    if (cancelForm) cancelForm.hidden = true;
    await refresh();
  };
  for (const button of bulk.querySelectorAll('[data-bulk-action]')) button.addEventListener('click', () => run(button.dataset.bulkAction));
  const opener = bulk.querySelector('[data-bulk-open]');
  if (opener && cancelForm) {
    opener.addEventListener('click', () => {
      cancelForm.hidden = false;
      opener.setAttribute('aria-expanded', 'true');
      cancelForm.querySelector('textarea').focus();
    });
    cancelForm.querySelector('[data-bulk-close]').addEventListener('click', () => {
      cancelForm.hidden = true;
      opener.setAttribute('aria-expanded', 'false');
      opener.focus();
    });
    cancelForm.addEventListener('submit', (event) => {
      event.preventDefault();
      run('cancel', String(new FormData(cancelForm).get('reason') || '').trim());
    });
  }
})();
