// @ts-check
/** Calls the JSON API; throws an Error carrying the server's `code`, `status` and `details`. */
export async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  return read(res, path);
}

/**
 * A GET that index.html may already have started while the modules loaded (window.__prefetch); taken once,
 * so later reloads fetch afresh.
 */
export function prefetched(path) {
  const early = /** @type {any} */ (window).__prefetch;
  if (early?.path !== path) return api('GET', path);
  delete (/** @type {any} */ (window).__prefetch);
  return early.response.then((res) => read(res, path));
}

async function read(res, path) {
  if (res.status === 204) return null;
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(data?.error?.message ?? `HTTP ${res.status}`);
    Object.assign(err, { code: data?.error?.code, status: res.status, details: data?.error?.details });
    // a 401 on anything but the login form means the session ended: the app shows the login page
    if (res.status === 401 && path !== '/api/auth/login') dispatchEvent(new CustomEvent('session-ended'));
    throw err;
  }
  return data;
}
