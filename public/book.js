// Booking and manage pages: slot picker in the booker's zone, booking form, reschedule, cancel.
(() => {
  const root = document.querySelector('.booking-page');
  if (!root) return;
  const slug = root.dataset.slug;
  const mode = root.dataset.mode;
  const token = root.dataset.token;
  const zoneSelect = root.querySelector('[data-timezone]');
  const daysEl = root.querySelector('[data-days]');
  const timesEl = root.querySelector('[data-times]');
  const pickerError = root.querySelector('[data-picker-error]');
  const form = root.querySelector(mode === 'book' ? '[data-book-form]' : '[data-reschedule-form]');
  const chosenEl = form && form.querySelector('[data-chosen]');
  const formError = form && form.querySelector('[data-form-error]');
  let slots = [];
  let chosen = null;
  let selectedDay = null;

  const post = async (url, body) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    let data = null;
    try { data = await res.json(); } catch { /* empty */ }
    return { ok: res.ok, status: res.status, data };
  };
  const zone = () => (zoneSelect ? zoneSelect.value : 'UTC');
  const dayKey = (iso) => new Intl.DateTimeFormat('en-CA', { timeZone: zone(), year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
  const dayLabel = (iso) => new Intl.DateTimeFormat(undefined, { timeZone: zone(), weekday: 'short', month: 'short', day: 'numeric' }).format(new Date(iso));
  const timeLabel = (iso) => new Intl.DateTimeFormat(undefined, { timeZone: zone(), hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
  const fullLabel = (iso) => new Intl.DateTimeFormat(undefined, { timeZone: zone(), dateStyle: 'full', timeStyle: 'short' }).format(new Date(iso)) + ` (${zone()})`;

  if (zoneSelect) {
    const detected = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [detected];
    zoneSelect.replaceChildren(...[...new Set(['UTC', detected, ...zones])].map((z) => new Option(z.replace(/_/g, ' '), z, false, z === detected)));
    zoneSelect.addEventListener('change', render);
  }

  function render() {
    const byDay = new Map();
    for (const s of slots) {
      const k = dayKey(s.start);
      if (!byDay.has(k)) byDay.set(k, []);
      byDay.get(k).push(s);
    }
    if (!selectedDay || !byDay.has(selectedDay)) selectedDay = byDay.keys().next().value || null;
    // Later windows re-render while someone may be on a button: keep their focus where it was.
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset : {};
    daysEl.replaceChildren(...[...byDay.entries()].map(([k, list]) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = dayLabel(list[0].start);
      b.dataset.day = k;
      b.setAttribute('aria-pressed', String(k === selectedDay));
      b.addEventListener('click', () => { selectedDay = k; render(); });
      return b;
    }));
    const list = selectedDay ? byDay.get(selectedDay) : [];
    timesEl.replaceChildren(...list.map((s) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.start = s.start;
      b.textContent = timeLabel(s.start) + (s.seatsLeft !== undefined ? ` · ${s.seatsLeft} left` : '');
      b.setAttribute('aria-pressed', String(chosen === s.start));
      b.addEventListener('click', () => choose(s.start));
      return b;
    }));
    const again = focused.day ? daysEl.querySelector(`[data-day="${focused.day}"]`) : focused.start ? timesEl.querySelector(`[data-start="${focused.start}"]`) : null;
    if (again) again.focus();
    if (!slots.length && !loading) pickerError.textContent = 'No free times in the next weeks.';
  }

  function choose(start) {
    chosen = start;
    render();
    if (!form) return;
    form.hidden = false;
    chosenEl.textContent = fullLabel(start);
    formError.textContent = '';
    const first = form.querySelector('input, textarea, button[type=submit]');
    if (first) first.focus();
  }

  let loadRun = 0;
  let loading = false;
  async function loadSlots() {
    pickerError.textContent = '';
    // The whole horizon (default 60 days, up to 730) in windows of at most 62 days (the API's
    // limit): the first shows at once, later ones are added as they arrive, one at a time.
    const DAY = 86400000;
    const from = Date.now();
    const end = from + (Number(root.dataset.horizonDays) || 60) * DAY + 60000;
    const run = ++loadRun; // a newer load (after a 409) supersedes this one
    slots = [];
    loading = true;
    for (let t = from; t < end && run === loadRun; t += 62 * DAY) {
      const res = await fetch(`/api/public/pages/${slug}/slots?from=${new Date(t).toISOString()}&to=${new Date(Math.min(end, t + 62 * DAY)).toISOString()}`);
      if (run !== loadRun) return;
      if (!res.ok) { loading = false; if (!slots.length) pickerError.textContent = 'Could not load times. Reload the page.'; return; }
      slots = slots.concat((await res.json()).slots);
      loading = t + 62 * DAY < end;
      render();
    }
  }

  function showIssues(r) {
    const err = r.data && r.data.error;
    if (!err) { formError.textContent = 'Something went wrong. Try again.'; return; }
    if (err.code === 'already_booked') {
      formError.textContent = 'That time was just booked, pick another.';
      chosen = null;
      loadSlots();
      return;
    }
    // Each issue next to its field (answers.<id> → q:<id>); the rest in the form's summary.
    const loose = [];
    for (const issue of err.issues || []) {
      const path = issue.path || [];
      const name = path[0] === 'answers' ? `q:${path[1]}` : path[0];
      const field = name && form.elements.namedItem(String(name));
      if (field && field.id !== undefined) {
        field.setAttribute('aria-invalid', 'true');
        let note = field.parentElement.querySelector('.field-error');
        if (!note) {
          note = document.createElement('span');
          note.className = 'field-error';
          note.id = `err-${String(name).replace(/\W/g, '-')}`;
          field.parentElement.append(note);
          field.setAttribute('aria-describedby', note.id);
        }
        note.textContent = issue.message;
      } else loose.push(issue.message);
    }
    formError.textContent = loose.length ? loose.join(' · ') : err.issues && err.issues.length ? 'Please fix the highlighted fields.' : err.message;
  }

  function clearIssues() {
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
    formError.textContent = '';
  }

  if (form && mode === 'book') {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!chosen) return;
      clearIssues();
      const data = new FormData(form);
      const answers = {};
      for (const el of form.elements) {
        if (!el.name || !el.name.startsWith('q:')) continue;
        const id = el.name.slice(2);
        if (el.type === 'checkbox') answers[id] = el.checked;
        else if (el.value) answers[id] = el.value;
      }
      const body = { start: chosen, name: data.get('name'), email: data.get('email'), timezone: zone(), answers };
      if (data.get('phone')) body.phone = data.get('phone');
      if (data.get('notes')) body.notes = data.get('notes');
      // Turnstile, when the page has the widget: its token is single-use, so a refused try gets a fresh one.
      if (data.get('cf-turnstile-response')) body.turnstileToken = data.get('cf-turnstile-response');
      const r = await post(`/api/public/pages/${slug}/bookings`, body);
      if (!r.ok) {
        if (window.turnstile && form.querySelector('.cf-turnstile')) window.turnstile.reset();
        showIssues(r);
        return;
      }
      form.hidden = true;
      root.querySelector('.picker').hidden = true;
      const confirmation = root.querySelector('[data-confirmation]');
      confirmation.hidden = false;
      root.querySelector('[data-confirmation-when]').textContent = fullLabel(r.data.booking.start);
      const link = root.querySelector('[data-manage-link]');
      link.href = r.data.manageUrl;
      const token = r.data.manageUrl.split('/').pop();
      root.querySelector('[data-ics-link]').href = `/api/public/manage/${token}/invite.ics`;
      confirmation.focus();
    });
  }
  if (form && mode === 'manage') {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!chosen) return;
      const r = await post(`/api/public/manage/${token}/reschedule`, { start: chosen });
      if (!r.ok) { showIssues(r); return; }
      location.reload();
    });
  }
  const cancelForm = root.querySelector('[data-cancel-form]');
  if (cancelForm) {
    cancelForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const reason = String(new FormData(cancelForm).get('reason') || '').trim();
      const r = await post(`/api/public/manage/${token}/cancel`, reason ? { reason } : {});
      if (!r.ok) {
        cancelForm.querySelector('[data-cancel-error]').textContent = (r.data && r.data.error && r.data.error.message) || 'Could not cancel.';
        return;
      }
      location.reload();
    });
  }
  if (daysEl) loadSlots();
})();
