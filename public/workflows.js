// Workflows: the list's active switches through the API, and the editor's variable buttons and
// delete confirmation. Without this script the same forms post to /app/workflows.
(() => {
  const status = document.querySelector('[data-status]');
  const say = (text) => { if (status) status.textContent = text; };

  // List: flip a workflow on or off in place (PATCH /api/workflows/:id).
  for (const form of document.querySelectorAll('[data-toggle-form]')) {
    const sw = form.querySelector('[role=switch]');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (sw.getAttribute('aria-busy') === 'true') return;
      const next = sw.getAttribute('aria-checked') !== 'true';
      sw.setAttribute('aria-busy', 'true');
      let res = null;
      let data = null;
      try {
        res = await fetch(`/api/workflows/${sw.dataset.id}`, {
          method: 'PATCH',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ active: next }),
        });
        data = await res.json();
      } catch { /* network or empty body: said below */ }
      sw.removeAttribute('aria-busy');
      if (!res || !res.ok) {
        say(`Couldn’t change “${sw.dataset.name}”: ${(data && data.error && data.error.message) || 'try again.'}`);
        return;
      }
      sw.setAttribute('aria-checked', String(next));
      sw.querySelector('.pg-switch-text').textContent = next ? 'On' : 'Off';
      form.querySelector('[name=active]').value = next ? '' : 'on';
      form.closest('.wf-item').classList.toggle('wf-off', !next);
      say(`“${sw.dataset.name}” is ${next ? 'on' : 'off'}.`);
    });
  }

  const form = document.querySelector('[data-workflow-form]');
  if (!form) return;

  // Variables go where the host last typed (the subject or the text; the text by default).
  const fields = [...form.querySelectorAll('[data-template]')];
  let target = fields.find((f) => f.name === 'body') || fields[0];
  for (const f of fields) f.addEventListener('focus', () => { target = f; });
  for (const button of form.querySelectorAll('[data-insert]')) {
    button.addEventListener('click', () => {
      if (!target) return;
      const token = button.dataset.insert;
      const start = target.selectionStart ?? target.value.length;
      const end = target.selectionEnd ?? target.value.length;
      target.setRangeText(token, start, end, 'end');
      target.focus();
    });
  }

  // The inline delete question: "Keep workflow" closes it and returns to its summary.
  const del = document.querySelector('[data-delete]');
  if (del) {
    del.querySelector('[data-delete-no]').addEventListener('click', () => {
      del.open = false;
      del.querySelector('summary').focus();
    });
    del.addEventListener('toggle', () => { if (del.open) del.querySelector('[data-delete-no]').focus(); });
  }
})();
