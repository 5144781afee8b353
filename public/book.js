// Booking and manage pages: the month calendar in the booker's zone, the booking form,
// reschedule and cancel. The page hands over the first month's free slots and every word in
// its language (data-booker); later months are fetched when the booker goes there.
(() => {
  const root = document.querySelector('[data-booker]');
  if (!root) return;
  const D = JSON.parse(root.dataset.booker);
  const M = D.messages;
  const locale = D.locale;
  const $ = (sel, el = root) => el.querySelector(sel);
  const fill = (s, v) => s.replace(/\{(\w+)\}/g, (w, k) => (k in v ? String(v[k]) : w));
  const rules = new Intl.PluralRules(locale);
  const plural = (forms, n) => fill(forms[rules.select(n)] || forms.other, { n: n.toLocaleString(locale) });
  const store = (k, v) => { try { if (v === undefined) return localStorage.getItem(k); localStorage.setItem(k, v); } catch { return null; } return null; };

  const grid = $('[data-grid]');
  const weeksEl = $('[data-weeks]');
  const monthEl = $('[data-month]');
  const statusEl = $('[data-status]');
  const timesEl = $('[data-times]');
  const dayHeading = $('[data-day-heading]');
  const zoneSelect = $('[data-timezone]');
  const zoneSearch = $('[data-tz-search]');
  const zoneNow = $('[data-tz-now]');
  const prevBtn = $('[data-prev]');
  const nextBtn = $('[data-next]');
  const form = $(D.mode === 'book' ? '[data-book-form]' : '[data-reschedule-form]');
  const formError = form && $('[data-form-error]', form);
  const chosenEl = $('[data-chosen]');

  // Slots by start (ISO, UTC). `loaded` lists the [from, to) ranges whose free slots are all known.
  const slots = new Map();
  const addSlots = (list) => { for (const s of list) slots.set(s.start, s); };
  addSlots(D.slots);
  let loaded = [[D.now, D.loadedTo]];

  let zone = 'UTC';
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch { /* UTC */ }
  const savedCycle = store('booker.hourCycle');
  let hour12 = savedCycle ? savedCycle === '12' : new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions().hour12 !== false;

  const cache = new Map();
  const fmt = (opts, tz = zone) => {
    const key = JSON.stringify(opts) + tz + hour12;
    if (!cache.has(key)) cache.set(key, new Intl.DateTimeFormat(opts.locale || locale, { timeZone: tz, ...opts, locale: undefined, ...((opts.hour || opts.timeStyle) && !opts.hourCycle ? { hour12 } : {}) }));
    return cache.get(key);
  };
  const dayKey = (ms) => fmt({ locale: 'en-CA', year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
  const keyOf = (y, m, d) => new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);
  // Calendar dates are zone-free: format them as UTC.
  const dateLabel = (y, m, d, opts) => fmt(opts, 'UTC').format(Date.UTC(y, m, d));
  const timeLabel = (ms) => fmt({ hour: 'numeric', minute: '2-digit' }).format(ms);
  // The time part exactly as the button shows it, so its name contains its text (WCAG 2.5.3).
  const fullLabel = (ms) => `${fmt({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(ms)}, ${timeLabel(ms)}`;

  /** Milliseconds the zone is ahead of UTC at `ms`. */
  const offsetAt = (ms) => {
    const p = {};
    for (const x of fmt({ locale: 'en-US', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(ms)) p[x.type] = x.value;
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second) - Math.floor(ms / 1000) * 1000;
  };
  const localMidnight = (y, m, d) => {
    const guess = Date.UTC(y, m, d);
    return guess - offsetAt(guess - offsetAt(guess));
  };

  // The locale's first day of the week (1 = Monday … 7 = Sunday), from Intl where it knows.
  const firstDay = (() => {
    try {
      const l = new Intl.Locale(locale);
      const info = typeof l.getWeekInfo === 'function' ? l.getWeekInfo() : l.weekInfo;
      if (info && info.firstDay) return info.firstDay % 7;
    } catch { /* fall back */ }
    return { en: 0, 'pt-BR': 0 }[locale] ?? 1;
  })();

  // The server's clock (X-Test-Now in tests), moved on by the time the page has been open.
  const opened = Date.now();
  const nowMs = () => D.now + (Date.now() - opened);
  const today = () => { const k = dayKey(nowMs()).split('-'); return { y: +k[0], m: +k[1] - 1 }; };
  let view = today();
  let selected = null; // 'YYYY-MM-DD'
  let focusKey = null;
  let chosen = null;
  let loadingMonth = false;

  const byDay = () => {
    const days = new Map();
    for (const s of [...slots.values()].sort((a, b) => (a.start < b.start ? -1 : 1))) {
      const k = dayKey(Date.parse(s.start));
      if (!days.has(k)) days.set(k, []);
      days.get(k).push(s);
    }
    return days;
  };
  const monthRange = (v) => [localMidnight(v.y, v.m, 1), localMidnight(v.y, v.m + 1, 1)];
  const covered = (a, b) => {
    a = Math.max(a, D.now);
    b = Math.min(b, D.horizonEnd);
    return a >= b || loaded.some(([x, y]) => x <= a && y >= b);
  };

  async function ensureMonth(v) {
    const [a, b] = monthRange(v);
    if (covered(a, b)) return true;
    const from = Math.max(a, D.now);
    const to = Math.min(b, D.horizonEnd);
    loadingMonth = true;
    render();
    try {
      const res = await fetch(`/api/public/pages/${D.slug}/slots?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`);
      if (!res.ok) throw new Error(String(res.status));
      addSlots((await res.json()).slots);
      loaded.push([from, to]);
      return true;
    } catch {
      statusEl.textContent = M.loadFailed;
      return false;
    } finally {
      loadingMonth = false;
    }
  }

  const canGo = (v) => {
    const t = today();
    if (v.y * 12 + v.m < t.y * 12 + t.m) return false;
    return monthRange(v)[0] < D.horizonEnd;
  };
  const shift = (v, n) => { const d = new Date(Date.UTC(v.y, v.m + n, 1)); return { y: d.getUTCFullYear(), m: d.getUTCMonth() }; };

  async function goMonth(v, focus) {
    if (!canGo(v)) return;
    view = v;
    if (!selected || !selected.startsWith(keyOf(v.y, v.m, 1).slice(0, 7))) selected = null;
    focusKey = focus || null;
    render();
    if (await ensureMonth(v)) {
      if (!focusKey) focusKey = firstFree(byDay());
      render();
    }
    if (focus) focusDay();
  }

  function firstFree(days) {
    const prefix = keyOf(view.y, view.m, 1).slice(0, 7);
    for (const k of days.keys()) if (k.startsWith(prefix)) return k;
    return null;
  }

  function render() {
    const days = byDay();
    const prefix = keyOf(view.y, view.m, 1).slice(0, 7);
    const count = new Date(Date.UTC(view.y, view.m + 1, 0)).getUTCDate();
    monthEl.textContent = dateLabel(view.y, view.m, 1, { month: 'long', year: 'numeric' });
    prevBtn.disabled = !canGo(shift(view, -1));
    nextBtn.disabled = !canGo(shift(view, 1));
    const head = $('[data-weekdays]');
    if (!head.childElementCount) {
      // 2023-01-01 was a Sunday.
      for (let i = 0; i < 7; i++) {
        const d = 1 + ((firstDay + i) % 7);
        const th = document.createElement('th');
        th.scope = 'col';
        th.abbr = dateLabel(2023, 0, d, { weekday: 'long' });
        th.textContent = dateLabel(2023, 0, d, { weekday: 'short' });
        head.append(th);
      }
    }
    if (!focusKey || !focusKey.startsWith(prefix)) focusKey = (selected && selected.startsWith(prefix) && selected) || firstFree(days) || keyOf(view.y, view.m, 1);
    const todayKey = dayKey(nowMs());
    const rows = [];
    let row = document.createElement('tr');
    const lead = (new Date(Date.UTC(view.y, view.m, 1)).getUTCDay() - firstDay + 7) % 7;
    for (let i = 0; i < lead; i++) row.append(document.createElement('td'));
    for (let d = 1; d <= count; d++) {
      const k = keyOf(view.y, view.m, d);
      const n = loadingMonth ? 0 : (days.get(k) || []).length;
      const td = document.createElement('td');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'day' + (n ? ' free' : '') + (k === todayKey ? ' today' : '');
      b.textContent = d.toLocaleString(locale);
      b.dataset.date = k;
      b.tabIndex = k === focusKey ? 0 : -1;
      b.setAttribute('aria-label', `${dateLabel(view.y, view.m, d, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' })}, ${n ? plural(M.timesCount, n) : M.noTimes}`);
      if (!n) b.setAttribute('aria-disabled', 'true');
      if (k === todayKey) b.setAttribute('aria-current', 'date');
      td.setAttribute('aria-selected', String(k === selected));
      td.append(b);
      row.append(td);
      if (row.childElementCount === 7) { rows.push(row); row = document.createElement('tr'); }
    }
    if (row.childElementCount) { while (row.childElementCount < 7) row.append(document.createElement('td')); rows.push(row); }
    weeksEl.replaceChildren(...rows);
    const monthFree = [...days.keys()].some((k) => k.startsWith(prefix));
    statusEl.textContent = loadingMonth ? M.loading : monthFree ? '' : slots.size || D.loadedTo < D.horizonEnd ? M.noTimesMonth : M.noTimesAtAll;
    renderTimes(days);
    zoneNow.textContent = fill(M.timezoneNow, { time: timeLabel(nowMs()) });
    for (const b of root.querySelectorAll('[data-hour]')) b.setAttribute('aria-pressed', String((b.dataset.hour === '12') === hour12));
  }

  function renderTimes(days) {
    const list = (selected && days.get(selected)) || [];
    if (!selected || !list.length) {
      dayHeading.textContent = '';
      timesEl.replaceChildren(Object.assign(document.createElement('p'), { className: 'muted', textContent: M.pickDay }));
      timesEl.setAttribute('aria-label', M.pickDay);
      return;
    }
    const [y, m, d] = selected.split('-').map(Number);
    dayHeading.textContent = dateLabel(y, m - 1, d, { weekday: 'long', month: 'long', day: 'numeric' });
    timesEl.setAttribute('aria-label', fill(M.timesFor, { date: dayHeading.textContent }));
    timesEl.replaceChildren(...list.map((s) => {
      const ms = Date.parse(s.start);
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'time';
      b.dataset.start = s.start;
      const seats = s.seatsLeft !== undefined ? plural(M.seatsLeft, s.seatsLeft) : '';
      b.textContent = timeLabel(ms);
      if (seats) b.append(Object.assign(document.createElement('small'), { textContent: seats }));
      b.setAttribute('aria-label', fullLabel(ms) + (seats ? `, ${seats}` : ''));
      b.setAttribute('aria-pressed', String(chosen === s.start));
      b.addEventListener('click', () => choose(s.start));
      return b;
    }));
  }

  const focusDay = () => { const b = weeksEl.querySelector(`[data-date="${focusKey}"]`); if (b) b.focus(); };

  function pickDay(k) {
    if (!byDay().has(k)) return;
    selected = focusKey = k;
    render();
    focusDay();
    // On a phone the times sit below the grid: bring them into view.
    if (window.matchMedia('(max-width: 860px)').matches) $('[data-day-panel]').scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  weeksEl.addEventListener('click', (e) => {
    const b = e.target.closest('[data-date]');
    if (b && !b.hasAttribute('aria-disabled')) pickDay(b.dataset.date);
  });
  weeksEl.addEventListener('keydown', (e) => {
    const b = e.target.closest('[data-date]');
    if (!b) return;
    const [y, m, d] = b.dataset.date.split('-').map(Number);
    const dow = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() - firstDay + 7) % 7;
    const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7, Home: -dow, End: 6 - dow }[e.key];
    let target;
    if (step !== undefined) target = new Date(Date.UTC(y, m - 1, d + step));
    else if (e.key === 'PageUp' || e.key === 'PageDown') target = new Date(Date.UTC(y, m - 1 + (e.key === 'PageUp' ? -1 : 1), 1));
    else return;
    e.preventDefault();
    const k = target.toISOString().slice(0, 10);
    const v = { y: target.getUTCFullYear(), m: target.getUTCMonth() };
    if (v.y !== view.y || v.m !== view.m) { if (canGo(v)) goMonth(v, k); return; }
    focusKey = k;
    for (const x of weeksEl.querySelectorAll('[data-date]')) x.tabIndex = x.dataset.date === k ? 0 : -1;
    focusDay();
  });
  prevBtn.addEventListener('click', () => goMonth(shift(view, -1)));
  nextBtn.addEventListener('click', () => goMonth(shift(view, 1)));
  for (const b of root.querySelectorAll('[data-hour]')) {
    b.addEventListener('click', () => {
      hour12 = b.dataset.hour === '12';
      store('booker.hourCycle', b.dataset.hour);
      render();
      if (chosen) chosenEl.textContent = chosenText();
    });
  }

  // Time zones: the browser's by default; the search narrows the list and picks its first match.
  const allZones = [...new Set(['UTC', zone, D.pageZone, ...(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [])])].sort();
  const fillZones = (list) => {
    if (!list.includes(zone)) list = [zone, ...list];
    zoneSelect.replaceChildren(...list.map((z) => new Option(z.replace(/_/g, ' '), z, false, z === zone)));
  };
  fillZones(allZones);
  const setZone = (z) => {
    if (z === zone) return;
    zone = z;
    cache.clear();
    selected = null;
    goMonth(view.y * 12 + view.m < today().y * 12 + today().m ? today() : view);
    if (chosen) chosenEl.textContent = chosenText();
  };
  zoneSelect.addEventListener('change', () => setZone(zoneSelect.value));
  zoneSearch.addEventListener('input', () => {
    const q = zoneSearch.value.trim().toLowerCase().replace(/[\s_]+/g, ' ');
    const matches = q ? allZones.filter((z) => z.toLowerCase().replace(/_/g, ' ').includes(q)) : allZones;
    if (matches.length && q && !matches.includes(zone)) setZone(matches[0]);
    fillZones(matches.length ? matches : allZones);
  });
  setInterval(() => { zoneNow.textContent = fill(M.timezoneNow, { time: timeLabel(nowMs()) }); }, 30000);

  const chosenText = () => `${fullLabel(Date.parse(chosen))} (${zone.replace(/_/g, ' ')})`;

  function choose(start) {
    chosen = start;
    renderTimes(byDay());
    if (!form) return;
    chosenEl.textContent = chosenText();
    if (formError) formError.textContent = '';
    if (D.mode === 'book') {
      $('[data-picker]').hidden = true;
      $('[data-details]').hidden = false;
      $('#details-heading').focus();
    } else {
      form.hidden = false;
      form.querySelector('button[type=submit]').focus();
    }
  }

  const back = $('[data-back]');
  if (back) back.addEventListener('click', () => {
    $('[data-details]').hidden = true;
    $('[data-picker]').hidden = false;
    const b = chosen && timesEl.querySelector(`[data-start="${chosen}"]`);
    if (b) b.focus(); else focusDay();
  });

  const post = async (url, body) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    let data = null;
    try { data = await res.json(); } catch { /* empty */ }
    return { ok: res.ok, status: res.status, data };
  };
  const after = (path) => location.assign(path + (D.lang ? `${path.includes('?') ? '&' : '?'}lang=${encodeURIComponent(D.lang)}` : ''));

  /** The slot was taken meanwhile: back to the calendar, the month read again. */
  async function slotTaken() {
    slots.delete(chosen);
    chosen = null;
    const [a, b] = monthRange(view);
    loaded = loaded.filter(([x, y]) => y <= a || x >= b).concat([[D.now, D.now]]);
    for (const k of [...slots.keys()]) { const t = Date.parse(k); if (t >= a && t < b) slots.delete(k); }
    if (back) back.click();
    await ensureMonth(view);
    render();
    statusEl.textContent = M.slotTaken;
    if (formError) formError.textContent = M.slotTaken;
  }

  function showIssues(r) {
    const err = r.data && r.data.error;
    if (!err) { formError.textContent = M.genericError; return; }
    if (err.code === 'already_booked') { slotTaken(); return; }
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
    formError.textContent = loose.length ? loose.join(' · ') : err.issues && err.issues.length ? M.fixFields : err.message;
  }

  function clearIssues() {
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
    formError.textContent = '';
  }

  if (form && D.mode === 'book') {
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
      const body = { start: chosen, name: data.get('name'), email: data.get('email'), timezone: zone, locale, answers };
      if (data.get('phone')) body.phone = data.get('phone');
      if (data.get('notes')) body.notes = data.get('notes');
      // Turnstile, when the page has the widget: its token is single-use, so a refused try gets a fresh one.
      if (data.get('cf-turnstile-response')) body.turnstileToken = data.get('cf-turnstile-response');
      const submit = form.querySelector('button[type=submit]');
      const label = submit.textContent;
      submit.disabled = true;
      submit.textContent = M.sending;
      const r = await post(`/api/public/pages/${D.slug}/bookings`, body).catch(() => ({ ok: false, data: null }));
      submit.disabled = false;
      submit.textContent = label;
      if (!r.ok) {
        if (window.turnstile && form.querySelector('.cf-turnstile')) window.turnstile.reset();
        showIssues(r);
        return;
      }
      // The confirmation is the booking's own page (what, when, who, where, add to calendar).
      after(`${new URL(r.data.manageUrl).pathname}?booked=1`);
    });
  }
  if (form && D.mode === 'manage') {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!chosen) return;
      const r = await post(`/api/public/manage/${D.token}/reschedule`, { start: chosen }).catch(() => ({ ok: false, data: null }));
      if (!r.ok) { showIssues(r); return; }
      after(location.pathname);
    });
  }
  const cancelForm = document.querySelector('[data-cancel-form]');
  if (cancelForm) {
    cancelForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const reason = String(new FormData(cancelForm).get('reason') || '').trim();
      const r = await post(`/api/public/manage/${D.token}/cancel`, reason ? { reason } : {}).catch(() => ({ ok: false, data: null }));
      if (!r.ok) {
        $('[data-cancel-error]').textContent = (r.data && r.data.error && r.data.error.message) || M.cancelFailed;
        return;
      }
      after(location.pathname);
    });
  }

  // Open on the month of the first free time, that day chosen.
  const first = [...slots.keys()].sort()[0];
  if (first) {
    const k = dayKey(Date.parse(first)).split('-');
    view = { y: +k[0], m: +k[1] - 1 };
    selected = dayKey(Date.parse(first));
  }
  grid.hidden = false;
  goMonth(view);
})();
