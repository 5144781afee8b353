// Webhooks (/app/webhooks and /app/webhooks/:id): create, test, pause/resume, rotate, delete, replay.
// Every change goes through the JSON API; the server renders the lists, and this swaps in fresh copies.
(() => {
  const api = async (method, url, body) => {
    try {
      const res = await fetch(url, {
        method,
        credentials: 'same-origin',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const data = await res.json().catch(() => ({}));
      return { ok: res.ok, status: res.status, data };
    } catch {
      return { ok: false, status: 0, data: {} };
    }
  };
  const failure = (r) => r.data?.error?.message ?? (r.status === 0 ? 'No connection. Try again.' : `Something went wrong (${r.status}). Try again.`);
  const $ = (sel, root = document) => root.querySelector(sel);
  const notice = $('[data-notice]');
  const announce = (text) => {
    if (!notice) return;
    notice.textContent = text;
  };

  /** A fresh server copy of this page, parsed (scripts in it never run). */
  const freshPage = async (url = location.pathname + location.search) => {
    const res = await fetch(url, { credentials: 'same-origin' }).catch(() => null);
    if (!res?.ok) return null;
    return new DOMParser().parseFromString(await res.text(), 'text/html');
  };

  // Secrets: shown once, copied, then wiped from the page.
  const showSecret = (panel, secret) => {
    $('[data-secret-value]', panel).textContent = secret;
    $('[data-copy-status]', panel).textContent = '';
    panel.hidden = false;
    panel.focus();
  };
  const wipeSecret = (panel) => {
    $('[data-secret-value]', panel).textContent = '';
    panel.hidden = true;
  };
  const copySecret = async (panel) => {
    const value = $('[data-secret-value]', panel).textContent;
    const status = $('[data-copy-status]', panel);
    try {
      await navigator.clipboard.writeText(value);
      status.textContent = 'Copied';
    } catch {
      getSelection().selectAllChildren($('[data-secret-value]', panel));
      status.textContent = 'Selected: press Ctrl+C (⌘C) to copy';
    }
  };

  // Server issues beside their fields (aria-invalid, the field's own error line); what was typed stays.
  const clearIssues = (f) => {
    for (const el of f.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const el of f.querySelectorAll('[data-error-for]')) el.textContent = '';
  };
  const showIssues = (f, r, formError) => {
    let first = null;
    for (const issue of r.data?.error?.issues ?? []) {
      const name = issue.path?.[0];
      const slot = typeof name === 'string' ? f.querySelector(`[data-error-for="${name}"]`) : null;
      if (!slot) continue;
      const fields = [...f.querySelectorAll(`[name="${name}"]`)];
      for (const el of fields) el.setAttribute('aria-invalid', 'true');
      if (!slot.textContent) slot.textContent = issue.message;
      first ??= fields[0];
    }
    if (first) first.focus();
    else formError.textContent = failure(r);
  };
  const formValues = (f) => ({
    url: f.elements.namedItem('url').value.trim(),
    events: [...f.querySelectorAll('input[name=events]:checked')].map((el) => el.value),
  });

  // Create: on success the secret panel, then the fresh list.
  const form = $('form[data-create-webhook]');
  const createError = $('[data-create-error]');
  form?.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearIssues(form);
    createError.textContent = '';
    const button = $('button[type=submit]', form);
    const body = formValues(form);
    if (form.elements.namedItem('organization')?.checked) body.organization = true;
    button.disabled = true;
    button.textContent = 'Adding…';
    const r = await api('POST', '/api/webhooks', body);
    button.disabled = false;
    button.textContent = 'Add endpoint';
    if (!r.ok) return showIssues(form, r, createError);
    form.reset();
    await refreshList();
    showSecret($('[data-new-secret]'), r.data.secret);
  });

  // Edit (the log page): URL and events in place.
  document.addEventListener('submit', async (event) => {
    const f = event.target.closest('form[data-edit-webhook]');
    if (!f) return;
    event.preventDefault();
    const card = f.closest('[data-endpoint]');
    const formError = $('[data-form-error]', f);
    clearIssues(f);
    formError.textContent = '';
    const r = await api('PATCH', `/api/webhooks/${card.dataset.endpoint}`, formValues(f));
    if (!r.ok) return showIssues(f, r, formError);
    const fresh = await refreshEndpoint(card, 'edit');
    $('[data-row-status]', fresh).textContent = 'Saved: new events go to the URL and events shown above.';
  });

  /** The endpoint list from the server, swapped in place (after a create or a delete). */
  const refreshList = async () => {
    const doc = await freshPage('/app/webhooks');
    const fresh = doc && $('[data-endpoint-list]', doc);
    const current = $('[data-endpoint-list]');
    if (fresh && current) current.replaceWith(document.adoptNode(fresh));
  };

  /** One endpoint's card from the server (after pause/resume), keeping focus on the same action. */
  const refreshEndpoint = async (card, action) => {
    const doc = await freshPage();
    const fresh = doc && $(`[data-endpoint="${card.dataset.endpoint}"]`, doc);
    if (!fresh) return card;
    // A rotated secret still on screen moves into the new copy instead of vanishing.
    const secret = $('[data-rotated-secret]', card);
    if (secret && !secret.hidden) $('[data-rotated-secret]', fresh).replaceWith(secret);
    card.replaceWith(document.adoptNode(fresh));
    $(`[data-action="${action}"]`, fresh)?.focus();
    return fresh;
  };

  const closeConfirms = (card) => {
    for (const box of card.querySelectorAll('[data-confirm]')) box.hidden = true;
    for (const b of card.querySelectorAll('[aria-expanded]')) b.setAttribute('aria-expanded', 'false');
  };
  const openConfirm = (card, kind, trigger) => {
    closeConfirms(card);
    const box = $(`[data-confirm="${kind}"]`, card);
    box.hidden = false;
    trigger.setAttribute('aria-expanded', 'true');
    $('input, button', box).focus();
  };

  const endpointActions = {
    async test(card, say) {
      say('Sending a test ping…');
      const r = await api('POST', `/api/webhooks/${card.dataset.endpoint}/test`);
      if (!r.ok) return say(failure(r), true);
      say($('[data-delivery-log]') ? 'Test ping queued. It appears below in a moment.' : 'Test ping queued. Open the delivery log to see it arrive.');
      watchLog();
    },
    async pause(card, say) {
      await setActive(card, say, false);
    },
    async resume(card, say) {
      await setActive(card, say, true);
    },
    rotate(card, _say, button) {
      openConfirm(card, 'rotate', button);
    },
    async 'rotate-confirm'(card, say) {
      closeConfirms(card);
      say('Rotating…');
      const r = await api('POST', `/api/webhooks/${card.dataset.endpoint}/rotate-secret`);
      if (!r.ok) return say(failure(r), true);
      say('');
      showSecret($('[data-rotated-secret]', card), r.data.secret);
    },
    edit(card, _say, button) {
      openConfirm(card, 'edit', button);
    },
    delete(card, _say, button) {
      openConfirm(card, 'delete', button);
    },
    async 'delete-confirm'(card, say) {
      say('Deleting…');
      const r = await api('DELETE', `/api/webhooks/${card.dataset.endpoint}`);
      if (!r.ok) return say(failure(r), true);
      if (!$('[data-endpoint-list]')) return location.assign('/app/webhooks?notice=deleted');
      await refreshList();
      announce(`Endpoint deleted: ${card.dataset.url} receives no more events.`);
      notice?.focus();
    },
    cancel(card, _say, button) {
      const kind = button.closest('[data-confirm]').dataset.confirm;
      closeConfirms(card);
      $(`[data-action="${kind}"]`, card).focus();
    },
  };

  async function setActive(card, say, active) {
    say(active ? 'Resuming…' : 'Pausing…');
    const r = await api('PATCH', `/api/webhooks/${card.dataset.endpoint}`, { active });
    if (!r.ok) return say(failure(r), true);
    const fresh = await refreshEndpoint(card, active ? 'pause' : 'resume');
    // The log's Replay buttons follow the endpoint's state.
    if ($('[data-delivery-log]') && !timer) refreshLog();
    const status = $('[data-row-status]', fresh);
    status.classList.remove('error');
    status.textContent = active ? 'Resumed: events are sent again.' : 'Paused: nothing is sent until you resume.';
  }

  document.addEventListener('click', async (event) => {
    const button = event.target.closest('[data-action]');
    if (!button) return;
    const action = button.dataset.action;
    const panel = button.closest('.wh-secret');
    if (action === 'copy-secret') return copySecret(panel);
    if (action === 'dismiss-secret') {
      wipeSecret(panel);
      return (panel.closest('[data-endpoint]')?.querySelector('[data-action="rotate"]') ?? $('#wh-url'))?.focus();
    }
    if (action === 'replay') return replay(button);
    const card = button.closest('[data-endpoint]');
    const run = endpointActions[action];
    if (!card || !run) return;
    const status = $('[data-row-status]', card);
    const say = (text, bad) => {
      status.textContent = text;
      status.classList.toggle('error', !!bad);
    };
    button.setAttribute('aria-busy', 'true');
    try {
      await run(card, say, button);
    } finally {
      button.removeAttribute('aria-busy');
    }
  });

  // Escape closes an open confirmation or the edit form, back to the button that opened it.
  document.addEventListener('keydown', (event) => {
    const box = event.key === 'Escape' && event.target.closest?.('[data-confirm]');
    if (box) $('[data-action="cancel"]', box).click();
  });

  // The delivery log: replay, and a refresh while deliveries are pending or a test was just sent.
  const replayNotes = new Map();
  async function replay(button) {
    const id = button.dataset.deliveryId;
    const row = button.closest('tr');
    const note = $('[data-replay-status]', row);
    note.textContent = 'Replaying…';
    const r = await api('POST', `/api/webhook-deliveries/${id}/replay`);
    note.textContent = r.ok ? 'Replay queued' : failure(r);
    note.classList.toggle('error', !r.ok);
    replayNotes.set(id, note.textContent);
    if (r.ok) watchLog();
  }

  // Fast refresh for 20 s after a test or replay; slower while something is pending, for 2 minutes.
  let watchUntil = 0;
  let slowUntil = Date.now() + 120_000;
  let timer = null;
  function watchLog() {
    if (!$('[data-delivery-log][data-first-page]')) return;
    watchUntil = Date.now() + 20_000;
    slowUntil = Date.now() + 120_000;
    // A slow refresh already waiting would come too late for what was just sent.
    clearTimeout(timer);
    timer = setTimeout(refreshLog, 1500);
  }
  let busy = false;
  async function refreshLog() {
    timer = null;
    // One refresh at a time; one that comes due meanwhile waits for it.
    if (busy) return void (timer = setTimeout(refreshLog, 500));
    busy = true;
    try {
      const log = $('[data-delivery-log]');
      const doc = await freshPage();
      const fresh = doc && $('[data-delivery-log]', doc);
      if (log && fresh) {
        // Keep what the reader opened, focused or was told, across the swap.
        const open = [...log.querySelectorAll('details[open]')].map((d) => d.closest('tr')?.dataset.delivery);
        const active = log.contains(document.activeElement) ? document.activeElement : null;
        const focused = active?.closest('tr[data-delivery]')?.dataset.delivery;
        const focusSel = active?.matches('summary') ? 'summary' : '[data-action="replay"]';
        log.replaceWith(document.adoptNode(fresh));
        for (const id of open) { const d = $(`tr[data-delivery="${id}"] details`, fresh); if (d) d.open = true; }
        for (const [id, text] of replayNotes) { const n = $(`tr[data-delivery="${id}"] [data-replay-status]`, fresh); if (n) n.textContent = text; }
        if (focused) $(`tr[data-delivery="${focused}"] ${focusSel}`, fresh)?.focus();
      }
    } finally {
      busy = false;
    }
    if (timer) return;
    const pending = $('[data-delivery-log][data-pending]');
    if (Date.now() < watchUntil) timer = setTimeout(refreshLog, 2000);
    else if (pending && Date.now() < slowUntil) timer = setTimeout(refreshLog, 5000);
  }
  // Retries keep going in the background; a page left open shows them land.
  if ($('[data-delivery-log][data-first-page][data-pending]')) timer = setTimeout(refreshLog, 5000);

  if (notice?.textContent.trim()) notice.focus();
})();
