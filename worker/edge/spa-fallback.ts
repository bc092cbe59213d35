import type { Fetcher } from '@cloudflare/workers-types';
import { isNavigation, NAVIGATION_VARY } from '../http/navigation.js';

/**
 * The app's page for a navigation to a path with no file, as the Node host answers it (web-assets.ts).
 * Needs `not_found_handling = "none"` in wrangler.toml: Cloudflare's "single-page-application" mode with
 * `run_worker_first` as a list of patterns serves index.html to every request that matches no file,
 * scripts and images included (the list turns off its navigation check). With "none", such requests reach
 * the Worker; the app answers 404 for them and this turns the 404 of a navigation into the page.
 */
export async function spaFallback(request: Request, answer: Response, assets: Fetcher): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (answer.status !== 404 || (request.method !== 'GET' && request.method !== 'HEAD') || path.startsWith('/api/')) return answer;
  if (!isNavigation(request.headers)) {
    const res = new Response(answer.body, answer);
    res.headers.set('vary', NAVIGATION_VARY);
    return res;
  }
  // "/" is index.html (Cloudflare's html_handling redirects /index.html to it)
  const page = (await assets.fetch(new Request(new URL('/', request.url), { method: request.method, headers: request.headers }) as never)) as unknown as Response;
  const res = new Response(page.body, page);
  res.headers.append('vary', NAVIGATION_VARY);
  return res;
}
