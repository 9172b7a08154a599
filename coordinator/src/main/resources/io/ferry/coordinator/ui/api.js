// The coordinator's API: the token (this tab only: sessionStorage, never localStorage or a cookie),
// JSON requests, and the server-sent event stream read with fetch (EventSource cannot send the token).

const TOKEN_KEY = 'ferry.apiToken';
const listeners = { auth: [] };

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: t => { if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY); },
};

/** Called with true when the coordinator refused the token (or wants one), false once one works. */
export function onAuth(fn) { listeners.auth.push(fn); }
const authNeeded = needed => listeners.auth.forEach(fn => fn(needed));

function headers(extra) {
  const h = Object.assign({}, extra);
  const t = token.get();
  if (t) h.Authorization = 'Bearer ' + t;
  return h;
}

/** An API error: the answer's {error, details}. */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || ('HTTP ' + status));
    this.status = status;
    this.details = (body && body.details) || [];
  }
}

export async function request(method, path, body, contentType) {
  const init = { method, headers: headers(body != null ? { 'Content-Type': contentType || 'application/json' } : {}) };
  if (body != null) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(path, init);
  if (res.status === 401) authNeeded(true);
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

export const get = path => request('GET', path);
export const post = (path, body, contentType) => request('POST', path, body ?? null, contentType);
export const patch = (path, body) => request('PATCH', path, body);
export const jobPath = (id, rest = '') => '/api/v1/jobs/' + encodeURIComponent(id) + rest;

/** Splits a server-sent event stream into {event, data} records (data parsed as JSON). */
export function parseEvents(buffer, emit) {
  let end;
  while ((end = buffer.indexOf('\n\n')) >= 0) {
    const block = buffer.slice(0, end);
    buffer = buffer.slice(end + 2);
    let event = 'message', data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).replace(/^ /, '');
    }
    if (data) emit(event, JSON.parse(data));
  }
  return buffer;
}

/**
 * Reads /api/v1/events[?job=ID] until stopped, reconnecting after a pause when it ends or fails.
 * status(s) is told 'live', 'reconnecting' or 'signin'.
 */
export function subscribe(jobId, onEvent, status) {
  const controller = new AbortController();
  let stopped = false;
  (async () => {
    let delay = 1000;
    while (!stopped) {
      try {
        const res = await fetch('/api/v1/events' + (jobId ? '?job=' + encodeURIComponent(jobId) : ''),
          { headers: headers({ Accept: 'text/event-stream' }), signal: controller.signal, cache: 'no-store' });
        if (res.status === 401) { authNeeded(true); status('signin'); return; }
        if (!res.ok) throw new Error('HTTP ' + res.status);
        authNeeded(false);
        status('live');
        delay = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer = parseEvents(buffer + value.replace(/\r\n/g, '\n'), onEvent);
        }
      } catch (e) {
        if (stopped) return;
      }
      status('reconnecting');
      await new Promise(r => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10000);
    }
  })();
  return () => { stopped = true; controller.abort(); };
}
