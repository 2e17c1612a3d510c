'use strict';
// A Todo-Backend client for this API: every write names the version it saw (If-Match), a 412 asks the user to reload
// or overwrite, and what only this API has (trash, timeline, statistics) hides when the server answers 404.

const $ = (id) => document.getElementById(id);
const STATS_POLL_MS = 2000;

const state = {
  root: '',
  todos: [],            // { todo, etag } as listed, each with the ETag of the version it shows
  seen: new Map(),      // todo id -> { todo, etag } from a write's answer or a GET: the list carries no ETags
  timelineProbed: false,
  trash: [],
  features: { trash: true, timeline: true, stats: true },
  session: null,        // X-Session-Token of the last write: GETs then read a replica that has it
  lastWrite: new Map(), // todo id -> { caughtUp, ms, lagMs }
  statsEtag: null,
  timelineOf: null,
};

function filter() { return location.hash.replace(/^#\/?/, '') || 'all'; }

function headers(extra) {
  const h = { ...extra };
  if (state.session) h['X-Session-Token'] = state.session;
  return h;
}

async function send(method, url, { body, etag, extra } = {}) {
  const h = headers(extra);
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (etag) h['If-Match'] = etag;
  const started = performance.now();
  const response = await fetch(url, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const token = response.headers.get('X-Session-Token');
  if (token) state.session = token;
  return { response, ms: Math.round(performance.now() - started) };
}

async function problemText(response) {
  try { const p = await response.json(); return p.detail || p.title || response.statusText; } catch { return response.statusText; }
}

function say(text) { $('status').textContent = text; }

// --- reading ---

async function readTodo(url) {
  const { response } = await send('GET', url);
  return response.ok ? remember(await response.json(), response.headers.get('ETag')) : null;
}

function remember(todo, etag) {
  const entry = { todo, etag };
  if (todo && todo.id && etag) state.seen.set(todo.id, entry);
  return entry;
}

// A listed todo keeps the ETag seen with exactly that representation; only one changed elsewhere (or never seen) is
// read again, so a click costs the list, not one GET per todo.
async function withEtag(listed) {
  const seen = state.seen.get(listed.id);
  if (seen && JSON.stringify(seen.todo) === JSON.stringify(listed)) return { todo: listed, etag: seen.etag };
  return readTodo(listed.url);
}

async function refresh() {
  const { response } = await send('GET', state.root);
  if (!response.ok) { say(`Could not read the list: ${await problemText(response)}`); return; }
  const listed = await response.json();
  const ids = new Set(listed.map((todo) => todo.id));
  for (const id of state.seen.keys()) if (!ids.has(id)) state.seen.delete(id);
  state.todos = (await Promise.all(listed.map(withEtag))).filter(Boolean);
  if (state.features.trash) await refreshTrash();
  if (state.features.timeline && !state.timelineProbed && state.todos.length > 0) await probeTimeline(state.todos[0].todo);
  render();
  if (state.timelineOf) await showTimeline(state.timelineOf);
}

// Another server may also refuse what it lacks without CORS headers, which fetch reports as a network error.
async function probe(url) {
  try { return (await send('GET', url)).response; } catch { return null; }
}

async function refreshTrash() {
  const response = await probe(`${state.root}/trash`);
  if (!response || response.status === 404) { state.features.trash = false; return; }
  state.trash = response.ok ? await response.json() : [];
}

async function probeTimeline(todo) {
  state.timelineProbed = true;
  const response = await probe(`${todo.url}/events?limit=1`);
  if (!response || response.status === 404) state.features.timeline = false;
}

// --- writing ---

// A write that may meet someone else's: on 412 the user chooses between their change and the current state.
async function write(method, url, { body, etag, id, title }) {
  const { response, ms } = await send(method, url, { body, etag });
  if (response.status === 412) {
    askAboutConflict({ method, url, body, id, title, current: response.headers.get('ETag') });
    return false;
  }
  if (!response.ok) { say(`${method} failed: ${await problemText(response)}`); return false; }
  await rememberAnswer(response);
  const caughtUp = response.headers.get('X-Read-Model-Caught-Up');
  if (id && caughtUp !== null) recordLag(id, response, caughtUp === 'true', ms);
  if (caughtUp === 'false') refreshWhileCatchingUp();
  return true;
}

// A write the read model had not shown when it answered reaches the list and the trash later: the refresh after the
// click may read them without it, so they are read again after 0.5, 1, 2, 4, 8 and 16 s. Writes in a row (mark all,
// clear completed) share one such schedule, counted from the last of them.
let catchUpRefreshes = [];
function refreshWhileCatchingUp() {
  catchUpRefreshes.forEach(clearTimeout);
  catchUpRefreshes = [0.5, 1, 2, 4, 8, 16].map((seconds) => setTimeout(refresh, seconds * 1000));
}

// The todo a write answers with, and its new ETag, is what the next write of it names.
async function rememberAnswer(response) {
  const etag = response.headers.get('ETag');
  if (!etag || !(response.headers.get('Content-Type') || '').includes('json')) return;
  try { remember(await response.clone().json(), etag); } catch { /* an answer without a todo: read it on refresh */ }
}

// The read-model lag of a write: at most its round trip when it answered caught up; else polled until a GET has it.
function recordLag(id, response, caughtUp, ms) {
  const written = { caughtUp, ms, lagMs: caughtUp ? null : undefined };
  state.lastWrite.set(id, written);
  const etag = response.headers.get('ETag');
  if (caughtUp || !etag || response.status === 204) return;
  const started = performance.now();
  const poll = async () => {
    const { response: read } = await send('GET', `${state.root}/${id}`, { extra: { 'If-None-Match': etag } });
    if (read.status === 304 || performance.now() - started > 30000) {
      written.lagMs = Math.round(performance.now() - started);
      if (state.timelineOf === id) renderLag(id);
    } else setTimeout(poll, 50);
  };
  poll();
}

function askAboutConflict(failed) {
  $('conflict-message').textContent =
    `Someone else changed “${failed.title}” since you loaded it. Reload to see their version, or overwrite it with yours.`;
  $('conflict').hidden = false;
  $('conflict-reload').onclick = async () => { $('conflict').hidden = true; say('Reloaded.'); await refresh(); };
  $('conflict-overwrite').onclick = async () => {
    $('conflict').hidden = true;
    const etag = failed.current || (await readTodo(failed.url))?.etag;
    if (await write(failed.method, failed.url, { ...failed, etag })) say('Overwritten.');
    await afterWrite();
  };
  $('conflict-reload').focus();
}

async function afterWrite() {
  await refresh();
  pollStats();
}

async function add(title) {
  if (await write('POST', state.root, { body: { title, order: state.todos.length + 1 }, title })) await afterWrite();
}

const patch = (entry, body) =>
  write('PATCH', entry.todo.url, { body, etag: entry.etag, id: entry.todo.id, title: entry.todo.title });

const remove = (entry) =>
  write('DELETE', entry.todo.url, { etag: entry.etag, id: entry.todo.id, title: entry.todo.title });

async function each(entries, action) {
  for (const entry of entries) if (!(await action(entry))) break;
  await afterWrite();
}

// --- rendering ---

function render() {
  const f = filter();
  const inTrash = f === 'trash' && state.features.trash;
  const list = $('todo-list');
  list.replaceChildren(...(inTrash ? state.trash.map(trashItem) : state.todos
    .filter(({ todo }) => f === 'all' || f === 'trash' || (f === 'active') === !todo.completed)
    .map(todoItem)));
  const active = state.todos.filter(({ todo }) => !todo.completed).length;
  $('todo-count').textContent = `${active} ${active === 1 ? 'item' : 'items'} left`;
  $('toggle-all').checked = state.todos.length > 0 && active === 0;
  $('toggle-all').disabled = state.todos.length === 0;
  $('clear-completed').hidden = state.todos.length === active;
  $('trash-filter').hidden = !state.features.trash;
  for (const link of document.querySelectorAll('.filters a')) {
    const selected = link.getAttribute('href') === `#/${f === 'all' ? '' : f}`;
    link.classList.toggle('selected', selected);
    if (selected) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  $('stats').hidden = !state.features.stats;
}

function element(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

function todoItem(entry) {
  const { todo } = entry;
  const li = element('li', { className: todo.completed ? 'completed' : '' });
  li.dataset.id = todo.id;
  const toggle = element('input', { type: 'checkbox', className: 'toggle', checked: todo.completed });
  toggle.setAttribute('aria-label', `Complete ${todo.title}`);
  toggle.onchange = async () => { if (await patch(entry, { completed: toggle.checked })) await afterWrite(); else render(); };
  const label = element('label', {}, todo.title);
  label.ondblclick = () => edit(li, entry);
  const destroy = element('button', { type: 'button', className: 'destroy' });
  destroy.setAttribute('aria-label', `Delete ${todo.title}`);
  destroy.onclick = async () => { if (await remove(entry)) await afterWrite(); };
  const view = element('div', { className: 'view' }, toggle, label);
  if (state.features.timeline) {
    const history = element('button', { type: 'button', className: 'history' }, 'Timeline');
    history.setAttribute('aria-label', `Timeline of ${todo.title}`);
    history.onclick = () => showTimeline(todo.id);
    view.append(history);
  }
  view.append(destroy);
  li.append(view);
  return li;
}

function edit(li, entry) {
  const input = element('input', { className: 'edit', value: entry.todo.title });
  input.setAttribute('aria-label', `Edit ${entry.todo.title}`);
  li.classList.add('editing');
  li.append(input);
  input.focus();
  let done = false;
  const finish = async (save) => {
    if (done) return;
    done = true;
    const title = input.value.trim();
    if (!save || title === entry.todo.title) { render(); return; }
    const ok = title ? await patch(entry, { title }) : await remove(entry);
    if (ok) await afterWrite(); else render();
  };
  input.onkeydown = (event) => {
    if (event.key === 'Enter') finish(true);
    if (event.key === 'Escape') finish(false);
  };
  input.onblur = () => finish(true);
}

function trashItem(trashed) {
  const li = element('li', { className: 'trashed' });
  li.dataset.id = trashed.id;
  const restore = element('button', { type: 'button', className: 'restore' }, 'Restore');
  restore.setAttribute('aria-label', `Restore ${trashed.title}`);
  restore.onclick = async () => {
    if (await write('POST', trashed.url, { etag: trashed.etag, id: trashed.id, title: trashed.title })) await afterWrite();
  };
  const purge = element('button', { type: 'button', className: 'purge' }, 'Purge');
  purge.setAttribute('aria-label', `Purge ${trashed.title}`);
  purge.onclick = async () => {
    if (await write('DELETE', `${state.root}/trash/${trashed.id}`, { etag: trashed.etag, title: trashed.title })) await afterWrite();
  };
  li.append(element('div', { className: 'view' }, element('label', {}, trashed.title), restore, purge));
  return li;
}

// --- timeline ---

async function readEvents(url) {
  const events = [];
  for (let next = url; next;) {
    const { response } = await send('GET', next);
    if (!response.ok) return null;
    events.push(...await response.json());
    next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('Link') || '')?.[1];
  }
  return events;
}

async function showTimeline(id) {
  const entry = state.todos.find(({ todo }) => todo.id === id);
  if (!entry) { closeTimeline(); return; }
  const events = await readEvents(`${entry.todo.url}/events`);
  if (!events) { state.features.timeline = false; closeTimeline(); render(); return; }
  state.timelineOf = id;
  $('timeline-title').textContent = `Timeline of “${entry.todo.title}”`;
  $('events').replaceChildren(...events.map((e) => element('li', {},
    element('strong', {}, `v${e.version} ${e.type}`), ` at ${e.timestamp}`,
    element('pre', {}, JSON.stringify(e.data)))));
  const scrubber = $('scrubber');
  scrubber.max = String(events.length);
  scrubber.value = String(events.length);
  scrubber.setAttribute('aria-valuetext', `version ${events.length} of ${events.length}`);
  scrubber.oninput = () => scrub(entry.todo.url, Number(scrubber.value), events.length);
  renderLag(id);
  $('timeline').hidden = false;
  await scrub(entry.todo.url, events.length, events.length);
}

async function scrub(url, version, last) {
  $('scrubber').setAttribute('aria-valuetext', `version ${version} of ${last}`);
  const { response } = await send('GET', `${url}?version=${version}`);
  if (Number($('scrubber').value) !== version) return; // a later move of the scrubber answers instead
  if (!response.ok) { $('scrubbed').textContent = `v${version}: ${await problemText(response)}`; return; }
  const then = await response.json();
  const when = response.headers.get('Memento-Datetime');
  $('scrubbed').textContent = `v${version}${when ? ` (${when})` : ''}: “${then.title}”, ${then.completed ? 'completed' : 'active'}`;
}

function renderLag(id) {
  const written = state.lastWrite.get(id);
  $('lag').textContent = !written ? 'No write from this page yet: its read-model lag appears after one.'
    : written.caughtUp ? `Read-model lag of the last write: at most ${written.ms} ms (caught up before the write answered).`
    : written.lagMs === undefined ? 'Read-model lag of the last write: not caught up yet…'
    : `Read-model lag of the last write: ${written.lagMs} ms after the write answered.`;
}

function closeTimeline() {
  state.timelineOf = null;
  $('timeline').hidden = true;
}

// --- statistics: polled with If-None-Match, so an unchanged list costs a 304 ---

let statsTimer = null;
async function pollStats() {
  clearTimeout(statsTimer);
  if (!state.features.stats) return;
  const url = new URL('stats', state.root);
  let response;
  try {
    ({ response } = await send('GET', url, { extra: state.statsEtag ? { 'If-None-Match': state.statsEtag } : {} }));
  } catch {
    response = null;
  }
  if (!state.statsEtag && (!response || response.status === 404)) { state.features.stats = false; render(); return; }
  if (response?.status === 200) {
    state.statsEtag = response.headers.get('ETag');
    const s = await response.json();
    $('stats').textContent = `Active ${s.active} · Completed ${s.completed} · Deleted ${s.deleted} · ` +
      `Created today ${s.createdToday} · Completed today ${s.completedToday}`;
  }
  statsTimer = setTimeout(pollStats, STATS_POLL_MS);
}

// --- wiring ---

async function connect(root) {
  state.root = root.replace(/\/+$/, '');
  Object.assign(state, { todos: [], trash: [], features: { trash: true, timeline: true, stats: true }, session: null, statsEtag: null, timelineProbed: false });
  state.lastWrite.clear();
  state.seen.clear();
  closeTimeline();
  $('api-root').value = state.root;
  await refresh();
  await pollStats();
  document.body.dataset.ready = 'true';
}

$('api-root-form').onsubmit = (event) => {
  event.preventDefault();
  const url = new URL(location.href);
  url.searchParams.set('api', $('api-root').value);
  history.replaceState(null, '', url);
  connect($('api-root').value);
};
$('new-todo-form').onsubmit = async (event) => {
  event.preventDefault();
  const title = $('new-todo').value.trim();
  if (!title) return;
  $('new-todo').value = '';
  await add(title);
};
$('toggle-all').onchange = () => {
  const completed = $('toggle-all').checked;
  each(state.todos.filter(({ todo }) => todo.completed !== completed), (entry) => patch(entry, { completed }));
};
$('clear-completed').onclick = () => each(state.todos.filter(({ todo }) => todo.completed), remove);
$('close-timeline').onclick = closeTimeline;
window.onhashchange = render;

connect(new URLSearchParams(location.search).get('api') || new URL('api/todos', location.href).href);
