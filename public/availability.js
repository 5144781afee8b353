// Availability editor: ranges, "Copy to…", date overrides, and Save as one PUT (SPEC 9).
// Override dates stay YYYY-MM-DD strings from the date field to the API and back: never a Date,
// so the browser's own zone can never shift them to a neighbouring day.
(() => {
  const form = document.getElementById('availability');
  if (!form) return;
  const rangeTemplate = document.getElementById('range-template');
  const overrideTemplate = document.getElementById('override-template');
  const formError = form.querySelector('.form-error');
  const saveStatus = form.querySelector('.av-save-status');
  const submit = form.querySelector('button[type=submit]');
  const timezone = form.querySelector('#timezone');
  const overrideList = form.querySelector('.av-overrides');
  const overridesEmpty = form.querySelector('.av-overrides-empty');
  const dateInput = form.querySelector('#override-date');
  const dateError = form.querySelector('#override-date-error');
  const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  let ids = 0;

  // Weekday of a calendar date (0 = Sunday) in integers only (Sakamoto's method): no Date, no zone.
  const weekday = (date) => {
    let [y, m, d] = date.split('-').map(Number);
    if (m < 3) y -= 1;
    return (y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) + [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4][m - 1] + d) % 7;
  };
  const dateLabel = (date) => {
    const [y, m, d] = date.split('-').map(Number);
    return `${DAYS[weekday(date)].slice(0, 3)}, ${MONTHS[m - 1]} ${d}, ${y}`;
  };
  const toMinutes = (clock) => { const [h, m] = clock.split(':').map(Number); return h * 60 + m; };
  const toClock = (minutes) => `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  // A time field cannot say 24:00: an end of 00:00 is the end of the day.
  const endValue = (input) => (input.value === '00:00' ? '24:00' : input.value);

  const rangeRows = (container) => [...container.querySelector('.av-ranges').children];
  const setWhere = (root, where) => { for (const el of root.querySelectorAll('.where')) el.textContent = where; };
  const announce = (text) => { saveStatus.textContent = text; };

  function addRange(container, start, end) {
    const row = rangeTemplate.content.firstElementChild.cloneNode(true);
    setWhere(row, container.dataset.name);
    row.querySelector('[name=start]').value = start;
    row.querySelector('[name=end]').value = end;
    container.querySelector('.av-ranges').append(row);
    return row;
  }
  /** The next hour after the container's last range, or 9–17 for an empty one. */
  function nextRange(container) {
    const rows = rangeRows(container);
    if (!rows.length) return ['09:00', '17:00'];
    const last = toMinutes(endValue(rows[rows.length - 1].querySelector('[name=end]')) || '17:00');
    return last >= 23 * 60 ? ['09:00', '17:00'] : [toClock(last), toClock(last + 60)];
  }
  function setDayOn(day, on) {
    day.querySelector('.av-day-on').checked = on;
    day.querySelector('.av-ranges').hidden = !on;
    day.querySelector('.av-day-off').hidden = on;
    if (on && !rangeRows(day).length) addRange(day, '09:00', '17:00');
  }
  function setOverrideOff(item, off) {
    item.querySelector('.av-override-off').checked = off;
    item.querySelector('.av-ranges').hidden = off;
    item.querySelector('[data-add-range]').hidden = off;
    if (!off && !rangeRows(item).length) {
      // A date with hours starts from that weekday's weekly hours.
      const day = form.querySelector(`.av-day[data-day="${weekday(item.dataset.date)}"]`);
      const ranges = day.querySelector('.av-day-on').checked ? rangeRows(day) : [];
      if (!ranges.length) addRange(item, '09:00', '17:00');
      for (const r of ranges) addRange(item, r.querySelector('[name=start]').value, r.querySelector('[name=end]').value);
    }
  }

  function closeCopy(day, focus) {
    day.querySelector('.av-copy-to').hidden = true;
    const opener = day.querySelector('[data-copy-open]');
    opener.setAttribute('aria-expanded', 'false');
    if (focus) opener.focus();
  }
  function applyCopy(day) {
    const on = day.querySelector('.av-day-on').checked;
    const source = rangeRows(day).map((r) => [r.querySelector('[name=start]').value, r.querySelector('[name=end]').value]);
    const names = [];
    for (const box of day.querySelectorAll('.av-copy-to input:checked')) {
      const target = form.querySelector(`.av-day[data-day="${box.value}"]`);
      target.querySelector('.av-ranges').replaceChildren();
      for (const [start, end] of source) addRange(target, start, end);
      setDayOn(target, on && source.length > 0);
      names.push(target.dataset.name);
      box.checked = false;
    }
    closeCopy(day, true);
    announce(names.length ? `Copied ${day.dataset.name}'s hours to ${names.join(', ')}. Save to keep them.` : 'Nothing copied: pick a day.');
  }

  function addOverride() {
    dateError.textContent = '';
    dateInput.removeAttribute('aria-invalid');
    const date = dateInput.value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      dateError.textContent = 'Pick a date.';
      dateInput.setAttribute('aria-invalid', 'true');
      dateInput.focus();
      return;
    }
    const existing = overrideList.querySelector(`.av-override[data-date="${date}"]`);
    if (existing) {
      dateError.textContent = `${dateLabel(date)} already has an override.`;
      existing.querySelector('.av-override-off').focus();
      return;
    }
    const item = overrideTemplate.content.firstElementChild.cloneNode(true);
    const label = dateLabel(date);
    item.dataset.date = date;
    item.dataset.name = label;
    item.querySelector('[name=date]').value = date;
    item.querySelector('.av-override-date').textContent = label;
    setWhere(item, label);
    // Kept in date order; YYYY-MM-DD strings sort like the dates they name.
    const after = [...overrideList.children].find((li) => li.dataset.date > date);
    overrideList.insertBefore(item, after || null);
    setOverrideOff(item, form.querySelector('#override-unavailable').checked);
    overridesEmpty.hidden = true;
    dateInput.value = '';
    item.querySelector('.av-override-off').focus();
    announce(`Added ${label}. Save to keep it.`);
  }

  form.addEventListener('click', (event) => {
    const button = event.target.closest('button');
    if (!button || button.type === 'submit') return;
    const day = button.closest('.av-day');
    const container = button.closest('.av-override') || day;
    if (button.matches('[data-add-range]')) {
      // On a day that is off, "Add range" turns it on with its (or the default) hours.
      if (day && !day.querySelector('.av-day-on').checked) {
        setDayOn(day, true);
        rangeRows(day)[0].querySelector('[name=start]').focus();
        return;
      }
      const [start, end] = nextRange(container);
      addRange(container, start, end).querySelector('[name=start]').focus();
    } else if (button.matches('[data-remove-range]')) {
      button.closest('.av-range').remove();
      if (!rangeRows(container).length) {
        if (day && container === day) setDayOn(day, false);
        else setOverrideOff(container, true);
      }
      const add = container.querySelector('[data-add-range]');
      (add.hidden ? container.querySelector('.av-override-off') : add).focus();
    } else if (button.matches('[data-copy-open]')) {
      const chooser = day.querySelector('.av-copy-to');
      const open = chooser.hidden;
      chooser.hidden = !open;
      button.setAttribute('aria-expanded', String(open));
      if (open) chooser.querySelector('input').focus();
    } else if (button.matches('[data-copy-apply]')) {
      applyCopy(day);
    } else if (button.matches('[data-copy-cancel]')) {
      closeCopy(day, true);
    } else if (button.matches('[data-add-override]')) {
      addOverride();
    } else if (button.matches('[data-remove-override]')) {
      const label = container.dataset.name;
      container.remove();
      overridesEmpty.hidden = overrideList.children.length > 0;
      dateInput.focus();
      announce(`Removed ${label}. Save to keep the change.`);
    }
  });
  form.addEventListener('keydown', (event) => {
    const chooser = event.target.closest('.av-copy-to');
    if (event.key === 'Escape' && chooser) closeCopy(chooser.closest('.av-day'), true);
    // Enter in the date field adds the date instead of saving the whole form.
    if (event.key === 'Enter' && event.target === dateInput) { event.preventDefault(); addOverride(); }
  });
  form.addEventListener('change', (event) => {
    if (event.target.matches('.av-day-on')) setDayOn(event.target.closest('.av-day'), event.target.checked);
    if (event.target.matches('.av-override-off')) setOverrideOff(event.target.closest('.av-override'), event.target.checked);
  });

  /** The PUT body, and for each weekly/override entry the row it came from (issues carry its index). */
  function collect() {
    const refs = { weekly: [], overrides: [] };
    const weekly = [];
    const overrides = [];
    for (const day of form.querySelectorAll('.av-day')) {
      if (!day.querySelector('.av-day-on').checked) continue;
      for (const row of rangeRows(day)) {
        weekly.push({ day: Number(day.dataset.day), start: row.querySelector('[name=start]').value, end: endValue(row.querySelector('[name=end]')) });
        refs.weekly.push({ row });
      }
    }
    for (const item of overrideList.children) {
      const date = item.querySelector('[name=date]').value;
      const rows = rangeRows(item);
      if (item.querySelector('.av-override-off').checked || !rows.length) {
        overrides.push(item.querySelector('.av-override-off').checked ? { date, unavailable: true } : { date });
        refs.overrides.push({ item });
      }
      else for (const row of rows) {
        overrides.push({ date, start: row.querySelector('[name=start]').value, end: endValue(row.querySelector('[name=end]')) });
        refs.overrides.push({ item, row });
      }
    }
    return { body: { timezone: timezone.value, weekly, overrides }, refs };
  }

  function clearIssues() {
    formError.textContent = '';
    for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const el of form.querySelectorAll('[data-described]')) {
      el.setAttribute('aria-describedby', el.dataset.described);
      if (!el.dataset.described) el.removeAttribute('aria-describedby');
      delete el.dataset.described;
    }
  }
  /** Shows one server issue next to its field; answers the field to focus, if any. */
  function showIssue(issue, refs) {
    const [list, index, field] = issue.path;
    let error;
    let fields;
    const ref = (list === 'weekly' || list === 'overrides') && refs[list][index];
    if (list === 'timezone') {
      error = form.querySelector('#timezone-error');
      fields = [timezone];
    } else if (ref && ref.row && field !== 'date') {
      error = ref.row.querySelector('.field-error');
      const start = ref.row.querySelector('[name=start]');
      const end = ref.row.querySelector('[name=end]');
      fields = field === 'start' ? [start] : field === 'end' ? [end] : [start, end];
    } else if (ref) {
      error = ref.item.querySelector(':scope > .field-error');
      fields = [ref.item.querySelector('.av-override-off')];
    } else {
      formError.textContent = `${formError.textContent} ${issue.message}`.trim();
      return null;
    }
    if (!error.id) error.id = `issue-${++ids}`;
    error.textContent = `${error.textContent} ${issue.message}`.trim();
    for (const el of fields) {
      el.setAttribute('aria-invalid', 'true');
      const described = el.getAttribute('aria-describedby') || '';
      if (el.dataset.described === undefined) el.dataset.described = described;
      if (!described.split(' ').includes(error.id)) el.setAttribute('aria-describedby', `${described} ${error.id}`.trim());
    }
    return fields[0];
  }

  /** The preview is rendered by the server from the saved hours: fetch the page again and take it. */
  async function refreshPreview() {
    const res = await fetch(location.href, { credentials: 'same-origin' });
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    for (const id of ['preview', 'timezone-hint', 'overrides-zone']) {
      const fresh = doc.getElementById(id);
      if (fresh) document.getElementById(id).replaceWith(fresh);
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearIssues();
    const { body, refs } = collect();
    submit.disabled = true;
    announce('Saving…');
    try {
      const res = await fetch(`/api/users/${form.dataset.userId}/availability`, {
        method: 'PUT',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const data = await res.json().catch(() => null);
      if (res.ok) {
        await refreshPreview();
        announce('Saved. The preview shows the new hours.');
        return;
      }
      announce('');
      const error = data && data.error;
      if (error && error.code === 'validation_failed' && error.issues) {
        const first = error.issues.map((issue) => showIssue(issue, refs)).find(Boolean);
        if (!formError.textContent) formError.textContent = 'Not saved: fix the marked fields.';
        if (first) first.focus();
      } else {
        formError.textContent = (error && error.message) || 'Something went wrong. Try again.';
      }
    } catch {
      announce('');
      formError.textContent = 'Could not reach the server. Your changes are still here: try again.';
    } finally {
      submit.disabled = false;
    }
  });
})();
