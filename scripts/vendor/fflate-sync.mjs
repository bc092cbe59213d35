// fflate for the browser's read-excel-file bundle (scripts/vendor-web.mjs): `unzip` without Web Workers. fflate's
// async unzip starts a Worker from a blob: URL for larger entries, which the UI's Content-Security-Policy refuses
// (script-src 'self'), so an .xlsx over ~512 KB would fail; here it inflates on the calling thread instead.
import { unzipSync } from 'fflate';

export * from 'fflate';

export function unzip(data, opts, cb) {
  if (typeof opts === 'function') (cb = opts), (opts = {});
  let files = null;
  let error = null;
  try {
    files = unzipSync(data, opts);
  } catch (e) {
    error = e;
  }
  queueMicrotask(() => cb(error, error ? null : files));
  return () => {};
}
