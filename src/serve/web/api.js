// The page's only link to the server: the JSON API under /api/crawls (docs/SERVICE.md) and its event stream.

const TOKEN_KEY = 'sitecrawl-token';

// A server bound beyond loopback needs its token. Open the page once as /?token=T: the token moves to this tab's
// sessionStorage and leaves the address bar (and so the history and any shared link).
const query = new URLSearchParams(location.search);
if (query.has('token')) {
  sessionStorage.setItem(TOKEN_KEY, query.get('token') ?? '');
  query.delete('token');
  const rest = query.toString();
  history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
}

const token = () => sessionStorage.getItem(TOKEN_KEY);

/** `path` with `?token=` added when the page has one (EventSource and <img> cannot send an Authorization header). */
export function withToken(path) {
  const value = token();
  return value ? `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(value)}` : path;
}

/** An answer of the API that was not 2xx: `message` and `field` are the server's. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `The server answered ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body?.code ?? null;
    this.field = body?.field ?? null;
  }
}

/** Calls the API and returns its JSON. @throws ApiError for a non-2xx answer, TypeError when the server is unreachable. */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const value = token();
  if (value) headers.authorization = `Bearer ${value}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => null);
  if (response.status === 401) {
    throw new ApiError(401, { ...data, message: `This server needs its token: open this page as ${location.origin}/?token=<token>` });
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

const jobPath = (id) => `/api/crawls/${encodeURIComponent(id)}`;

/** The URL of one of a job's files (`images/ab/ab12….png`, `report.html`), each path segment encoded. */
export function fileUrl(id, path) {
  return withToken(`${jobPath(id)}/files/${path.split('/').map(encodeURIComponent).join('/')}`);
}

export const listJobs = (cursor) => api(`/api/crawls?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
export const getJob = (id) => api(jobPath(id));
export const submitJob = (request) => api('/api/crawls', { method: 'POST', body: request });
export const cancelJob = (id) => api(jobPath(id), { method: 'DELETE' });
export const resumeJob = (id) => api(`${jobPath(id)}/resume`, { method: 'POST' });

/** One page of a job's records of `kind` (`pages`, `images`, `findings`): `{ records, next }`. */
export function getRecords(id, kind, cursor, limit = 200) {
  return api(`${jobPath(id)}/records?kind=${kind}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
}

/**
 * Follows a job's Server-Sent Events: `onState(job)`, `onProgress(counters)`, `onEnd(job)`. The stream is closed
 * at the end event (an EventSource would otherwise reconnect to a finished job). Returns the function that stops it.
 */
export function watchJob(id, { onState, onProgress, onEnd }) {
  const source = new EventSource(withToken(`${jobPath(id)}/events`));
  const data = (event) => JSON.parse(event.data);
  source.addEventListener('state', (event) => onState(data(event)));
  source.addEventListener('progress', (event) => onProgress(data(event)));
  source.addEventListener('end', (event) => {
    source.close();
    onEnd(data(event));
  });
  return () => source.close();
}

/** Whether a job's state is one it does not leave on its own. */
export const isFinal = (state) => state === 'done' || state === 'failed' || state === 'cancelled' || state === 'interrupted';
