// Scheduling pages: the list's switches and copy buttons, and the editor's questions, save and delete.
(() => {
  const api = async (method, url, body) => {
    const res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await res.json(); } catch { /* empty body */ }
    return { ok: res.ok, status: res.status, data };
  };
  const errorText = (r) => (r.data && r.data.error && r.data.error.message) || 'Something went wrong. Try again.';
  const status = document.querySelector('[data-status]');
  const say = (text) => { if (status) status.textContent = text; };

  // List: the active switch (a button, so Space and Enter work) and Copy link.
  for (const sw of document.querySelectorAll('[data-toggle-active]')) {
    const item = sw.closest('[data-page-id]');
    const title = () => item.querySelector('.pl-title').textContent.trim();
    sw.addEventListener('click', async () => {
      const next = sw.getAttribute('aria-checked') !== 'true';
      sw.setAttribute('aria-busy', 'true');
      const r = await api('PATCH', `/api/scheduling-pages/${item.dataset.pageId}`, { active: next });
      sw.removeAttribute('aria-busy');
      if (!r.ok) { say(`Couldn't change “${title()}”: ${errorText(r)}`); return; }
      sw.setAttribute('aria-checked', String(next));
      sw.querySelector('.pg-switch-text').textContent = next ? 'On' : 'Off';
      item.classList.toggle('pl-off', !next);
      say(`“${title()}” is ${next ? 'on: it takes bookings' : 'off: it takes no bookings'}.`);
    });
  }
  for (const button of document.querySelectorAll('[data-copy]')) {
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        say(`Link copied: ${button.dataset.copy}`);
      } catch {
        say(`Couldn't copy. The link is ${button.dataset.copy}`);
      }
    });
  }

  const form = document.querySelector('[data-page-form]');
  if (!form) return;
  const isNew = form.hasAttribute('data-new-page');
  const field = (name) => form.elements.namedItem(name);
  const value = (name) => { const el = field(name); return el ? String(el.value) : ''; };
  const number = (name) => { const v = value(name).trim(); return v === '' ? undefined : Number.isFinite(Number(v)) ? Number(v) : v; };

  // Location: the value's label follows the type (visibility is CSS, so it also works without us).
  const locationType = field('locationType');
  const locationLabel = form.querySelector('[data-location-label]');
  locationType.addEventListener('change', () => {
    locationLabel.textContent = locationType.selectedOptions[0].dataset.valueLabel || 'Details';
  });

  // A new page's link follows its title until the link is typed into.
  const slug = field('slug');
  let slugTouched = !isNew || slug.value !== '';
  slug.addEventListener('input', () => { slugTouched = true; });
  field('title').addEventListener('input', () => {
    if (!slugTouched) slug.value = value('title').toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 64);
  });

  // Questions: fields are named by position, so every change renumbers them.
  const list = form.querySelector('[data-q-list]');
  const template = form.querySelector('[data-q-template]');
  const renumber = () => {
    [...list.children].forEach((item, i) => {
      item.querySelector('[data-q-legend]').textContent = `Question ${i + 1}`;
      for (const el of item.querySelectorAll('[data-q-field]')) {
        const name = `questions.${i}.${el.dataset.qField}`;
        el.name = name;
        el.id = `f-${name}`;
        if (el.hasAttribute('aria-describedby')) el.setAttribute('aria-describedby', `e-${name}`);
      }
      for (const label of item.querySelectorAll('[data-q-for]')) label.htmlFor = `f-questions.${i}.${label.dataset.qFor}`;
      for (const err of item.querySelectorAll('.field-error')) err.id = `e-${err.previousElementSibling.name}`;
      for (const b of item.querySelectorAll('[data-q-move="-1"]')) b.setAttribute('aria-label', `Move question ${i + 1} up`);
      for (const b of item.querySelectorAll('[data-q-move="1"]')) b.setAttribute('aria-label', `Move question ${i + 1} down`);
      for (const b of item.querySelectorAll('[data-q-remove]')) b.setAttribute('aria-label', `Remove question ${i + 1}`);
    });
    form.querySelector('[data-q-empty]').hidden = list.children.length > 0;
  };
  if (template) {
    form.querySelector('[data-q-add]').addEventListener('click', () => {
      list.append(template.content.cloneNode(true));
      renumber();
      list.lastElementChild.querySelector('[data-q-field="label"]').focus();
      say(`Question ${list.children.length} added.`);
    });
  }
  list.addEventListener('click', (event) => {
    const button = event.target.closest('button');
    const item = button && button.closest('[data-question]');
    if (!item) return;
    if (button.hasAttribute('data-q-remove')) {
      const next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      renumber();
      (next ? next.querySelector('[data-q-field="label"]') : form.querySelector('[data-q-add]')).focus();
      say('Question removed.');
    } else if (button.dataset.qMove) {
      const up = button.dataset.qMove === '-1';
      const other = up ? item.previousElementSibling : item.nextElementSibling;
      if (!other) { say(up ? 'Already the first question.' : 'Already the last question.'); return; }
      if (up) other.before(item); else other.after(item);
      renumber();
      button.focus();
      say(`Question moved to position ${[...list.children].indexOf(item) + 1}.`);
    }
  });

  const questionId = (label, taken) => {
    const base = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 36) || 'question';
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    taken.add(id);
    return id;
  };

  /** The form as the API's JSON; each host kept with its row, for issues about hosts[i]. */
  const serialize = () => {
    const strategy = value('strategy');
    const hostRows = [...form.querySelectorAll('[name="hosts.userId"]:checked')];
    const taken = new Set([...list.querySelectorAll('[data-q-field="id"]')].map((el) => el.value).filter(Boolean));
    const questions = [...list.children].map((item) => {
      const q = (f) => item.querySelector(`[data-q-field="${f}"]`);
      if (!q('id').value) q('id').value = questionId(q('label').value, taken);
      const out = { id: q('id').value, label: q('label').value, type: q('type').value, required: q('required').checked };
      if (out.type === 'select') out.options = q('options').value.split('\n').map((o) => o.trim()).filter(Boolean);
      return out;
    });
    const body = {
      title: value('title'),
      slug: value('slug').trim(),
      description: value('description'),
      durationMinutes: number('durationMinutes'),
      timezone: value('timezone'),
      locationType: value('locationType'),
      locationValue: value('locationType') === 'google_meet' ? null : value('locationValue'),
      strategy,
      groupCapacity: strategy === 'group' ? (number('groupCapacity') ?? null) : null,
      hosts: hostRows.map((cb) => ({ userId: Number(cb.value), weight: number(`hosts.weight.${cb.value}`) ?? 1 })),
      // Blank means "the duration": a new page defaults to it, an existing one is set to it.
      slotIntervalMinutes: number('slotIntervalMinutes') ?? (isNew ? undefined : number('durationMinutes')),
      minimumNoticeMinutes: number('minimumNoticeMinutes'),
      horizonDays: number('horizonDays'),
      bufferBeforeMinutes: number('bufferBeforeMinutes'),
      bufferAfterMinutes: number('bufferAfterMinutes'),
      questions,
      briefingEnabled: field('briefingEnabled').checked,
      active: field('active').checked,
    };
    return { body, hostRows };
  };

  const alertBox = document.querySelector('[data-form-alert]');
  const clearIssues = () => {
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
    alertBox.hidden = true;
    alertBox.textContent = '';
  };
  /** Each issue next to its field: the longest prefix of its path that names a message. */
  const showIssues = (issues, hostRows) => {
    const summary = [];
    for (const issue of issues) {
      let path = issue.path.map(String);
      let message = issue.message;
      if (path[0] === 'hosts' && path.length > 1) {
        const row = hostRows[Number(path[1])];
        if (row) message = `${row.closest('label').textContent.trim()}: ${message}`;
        path = ['hosts'];
      }
      while (path.length > 1 && !document.getElementById(`e-${path.join('.')}`)) path = path.slice(0, -1);
      const key = path.join('.');
      const err = document.getElementById(`e-${key}`);
      if (err) err.textContent = err.textContent ? `${err.textContent} ${message}` : message;
      const controls = key === 'hosts' ? form.querySelectorAll('[name="hosts.userId"]') : key === 'strategy' ? form.querySelectorAll('[name=strategy]') : [document.getElementById(`f-${key}`)];
      for (const el of controls) if (el) el.setAttribute('aria-invalid', 'true');
      const label = form.querySelector(`label[for="f-${key}"]`);
      summary.push({ key, text: `${label ? label.textContent.trim() : 'This page'}: ${message}` });
    }
    alertBox.textContent = summary.length === 1 ? 'Fix this, then save again:' : `Fix these ${summary.length} things, then save again:`;
    const ul = document.createElement('ul');
    for (const s of summary) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = `#f-${s.key}`;
      a.textContent = s.text;
      a.addEventListener('click', (e) => { const el = document.getElementById(`f-${s.key}`) || form.querySelector(`[name="${s.key}.userId"],[name="${s.key}"]`); if (el) { e.preventDefault(); el.focus(); } });
      li.append(a);
      ul.append(li);
    }
    alertBox.append(ul);
    alertBox.hidden = false;
    alertBox.focus();
  };

  const submit = form.querySelector('button[type=submit]');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearIssues();
    const { body, hostRows } = serialize();
    submit.disabled = true;
    say('Saving…');
    const r = isNew ? await api('POST', '/api/scheduling-pages', body) : await api('PATCH', `/api/scheduling-pages/${form.dataset.pageId}`, body);
    submit.disabled = false;
    if (r.ok) { location.assign(`/app/pages/${r.data.page.id}?saved`); return; }
    say('');
    const issues = r.data && r.data.error && r.data.error.issues;
    showIssues(issues && issues.length ? issues : [{ path: [], message: errorText(r) }], hostRows);
  });

  // Delete asks inline: a confirmation group under the form, never confirm().
  const opener = form.querySelector('[data-delete-open]');
  const confirmBox = document.querySelector('[data-delete-confirm]');
  if (opener && confirmBox) {
    const close = () => { confirmBox.hidden = true; opener.setAttribute('aria-expanded', 'false'); opener.focus(); };
    opener.addEventListener('click', () => {
      confirmBox.hidden = false;
      opener.setAttribute('aria-expanded', 'true');
      confirmBox.querySelector('[data-delete-no]').focus();
    });
    confirmBox.querySelector('[data-delete-no]').addEventListener('click', close);
    confirmBox.querySelector('[data-delete-yes]').addEventListener('click', async () => {
      const r = await api('DELETE', `/api/scheduling-pages/${form.dataset.pageId}`);
      if (r.ok) { location.assign('/app/pages?notice=deleted'); return; }
      confirmBox.querySelector('[data-delete-error]').textContent = errorText(r);
    });
  }
})();
