// The dashboard: hash routes (#/jobs, #/jobs/ID, #/submit, #/workers), one store fed by the
// coordinator's server-sent events, the sign-in bar, the confirmation dialog and notices.
import { token, onAuth, subscribe } from './api.js';
import { esc } from './format.js';
import * as jobs from './jobs.js';
import * as job from './job.js';
import * as submit from './submit.js';
import * as workers from './workers.js';

const store = { jobs: new Map(), workers: [], cells: new Map() };
const $ = id => document.getElementById(id);
let current = null;
let stopStream = null;
let streamJob;

function toast(message, kind = 'bad') {
  const el = $('toast');
  const text = message instanceof Error
    ? message.message + (message.details?.length ? ': ' + message.details.join('; ') : '') : message;
  el.innerHTML = esc(text);
  el.className = 'toast ' + kind;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, kind === 'ok' ? 3000 : 10000);
}

/** Asks before an action: resolves to false, or to true (or read(dialog)'s answer) once confirmed. */
function confirm(title, bodyHtml, okLabel, read) {
  const dialog = $('confirm');
  $('confirm-title').textContent = title;
  $('confirm-body').innerHTML = bodyHtml;
  $('confirm-ok').textContent = okLabel;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise(resolve => dialog.addEventListener('close', () => {
    resolve(dialog.returnValue === 'ok' ? (read ? read(dialog) : true) : false);
  }, { once: true }));
}

const ctx = { store, toast, confirm };

function onEvent(event, data) {
  if (event === 'job') store.jobs.set(data.id, data);
  else if (event === 'workers') store.workers = data.workers;
  else if (event === 'progress') for (const c of data.cells) store.cells.set(c.tenant + '\u0000' + c.table, c);
  current?.update(event);
}

function setLive(state) {
  const el = $('live');
  el.textContent = { live: 'live', reconnecting: 'reconnecting…', signin: 'sign in' }[state] || state;
  el.className = 'live ' + (state === 'live' ? 'on' : 'off');
}

function stream(jobId) {
  if (stopStream && streamJob === jobId) return;
  stopStream?.();
  streamJob = jobId;
  store.cells.clear();
  stopStream = subscribe(jobId, onEvent, setLive);
}

function route() {
  const hash = location.hash.replace(/^#\/?/, '') || 'jobs';
  const [page, ...rest] = hash.split('/');
  current?.unmount();
  $('toast').hidden = true;
  const root = $('view');
  document.querySelectorAll('[data-nav]').forEach(a => a.classList.toggle('active', a.dataset.nav === page));
  if (page === 'jobs' && rest.length) {
    const id = decodeURIComponent(rest.join('/'));
    stream(id);
    current = job.mount(root, ctx, id);
    document.title = id + ' · Ferry';
  } else {
    stream(null);
    const view = { submit, workers }[page] || jobs;
    current = view.mount(root, ctx);
    document.title = (page === 'submit' ? 'Submit' : page === 'workers' ? 'Workers' : 'Jobs') + ' · Ferry';
  }
}

onAuth(needed => {
  $('login').hidden = !needed;
  $('signout').hidden = !token.get();
  if (needed) $('token').focus();
});
$('login').addEventListener('submit', e => {
  e.preventDefault();
  token.set($('token').value.trim());
  $('token').value = '';
  $('login').hidden = true;
  $('signout').hidden = false;
  stopStream?.();
  stopStream = null;
  route();
});
$('signout').addEventListener('click', () => {
  token.set(null);
  location.reload();
});
$('signout').hidden = !token.get();
window.addEventListener('hashchange', route);
route();
