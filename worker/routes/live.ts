import { LIVE_KEEP_ALIVE_SECONDS, liveEvent } from '../../schema/live.js';
import type { AppDeps } from '../deps.js';
import { requireRole } from '../auth-middleware.js';
import { errors, ROLE_EXTENSION, router } from './common.js';

const DESCRIPTION = `Server-Sent Events. Each message is \`event: <type>\` and \`data: <JSON>\` (the \`type\` and \`data\` of a LiveEvent).
The first is \`hello\` \`{serverTime}\`; a \`: keep-alive\` comment follows every ${LIVE_KEEP_ALIVE_SECONDS} s of silence.
- \`hosts\` \`{subnetIds, changes[]}\`: after every stored results batch (with its state transitions), when a probe
  goes away (its hosts become unknown), and when hosts are created, edited, deleted or imported (changes empty).
- \`job\` \`{jobId, subnetId, probeId, state, done?, total?, error?}\`: \`queued\` when a scan is sent, then
  \`started\`, \`progress\` (done/total addresses), \`done\` or \`failed\` as the probe reports it.
- \`probe\` \`{probeId, connected}\`: on connect, disconnect and revoke.
- \`subnets\` \`{}\`: a subnet was created, updated or deleted.
Events are not replayed: after a reconnect, reload what you show.`;

/** GET /api/live: the live feed. The session cookie (sent by EventSource) or an API token authenticates it. */
export function liveRoutes(deps: AppDeps) {
  const r = router();
  // documented by hand: the handler answers a raw streaming Response, which typed openapi() routes do not allow
  r.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/live',
    tags: ['live'],
    summary: 'Live feed of changes (text/event-stream)',
    description: DESCRIPTION,
    responses: {
      200: { description: 'An endless event stream', content: { 'text/event-stream': { schema: liveEvent } } },
      401: errors[401],
    },
    [ROLE_EXTENSION]: 'viewer',
  });
  r.get('/api/live', requireRole('viewer'), (c) => deps.live.connect(c.req.raw));
  return r;
}
