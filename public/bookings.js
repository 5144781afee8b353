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
  const drawerOf = (el) => itemOf(el).querySelector('.drawer');

  document.addEventListener('click', async (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const toggle = target.closest('.booking .row');
    if (toggle) {
      const open = toggle.getAttribute('aria-expanded') === 'true';
      toggle.setAttribute('aria-expanded', String(!open));
      drawerOf(toggle).hidden = open;
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
