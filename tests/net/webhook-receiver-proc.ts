/**
 * tests/support/webhook-receiver.ts as its own process, so a suite can run it inside a network namespace (the
 * control plane's, on that namespace's loopback): `tsx tests/net/webhook-receiver-proc.ts [--quiet]`.
 *
 * stdin, one JSON command a line, each answered `{"ack":seq}` once applied:
 *   {"seq":1,"cmd":"secrets","secrets":["whsec_…"]}
 *   {"seq":2,"cmd":"hold","type":"host.down","count":1}   the next `count` requests of that event type are held open
 *   {"seq":3,"cmd":"release"}                             answers 204 to every held request
 *   {"seq":4,"cmd":"stats"}                               {"ack":4,"stats":{count,verified,firstAt,lastAt}}
 *   {"seq":5,"cmd":"reset"}                               forgets what was received (stats start again)
 * stdout: {"ready":"http://127.0.0.1:PORT"}, then (unless --quiet) {"received":{...Received}} per request.
 * Exits when stdin ends (the test process is gone) or on SIGTERM.
 */
import { createInterface } from 'node:readline';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const quiet = process.argv.includes('--quiet');
const rx = new WebhookReceiver();
const holds = new Map<string, number>();
let verified = 0;
let base = 0;
let firstAt: number | null = null;
let lastAt: number | null = null;

rx.answer = (_n, req) => {
  let type = '';
  try {
    type = String(JSON.parse(req.body).type ?? '');
  } catch {
    /* not JSON: never held */
  }
  const left = holds.get(type) ?? 0;
  if (left > 0) {
    holds.set(type, left - 1);
    return 'hold';
  }
  return { status: 204 };
};

const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

// WebhookReceiver pushes each request before answering it: report it from there
const push = rx.received.push.bind(rx.received);
rx.received.push = (...items) => {
  for (const r of items) {
    if (r.verified) verified++;
    firstAt ??= r.at;
    lastAt = r.at;
    if (!quiet) out({ received: r });
  }
  const n = push(...items);
  if (quiet && rx.received.length > 10_000) {
    base += rx.received.length;
    rx.received.length = 0;
  }
  return n;
};

await rx.start();
out({ ready: rx.url });

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const m = JSON.parse(line) as { seq: number; cmd: string; secrets?: string[]; type?: string; count?: number };
    const ack: Record<string, unknown> = { ack: m.seq };
    if (m.cmd === 'secrets') rx.secrets = m.secrets ?? [];
    else if (m.cmd === 'hold') holds.set(m.type ?? '', m.count ?? 1);
    else if (m.cmd === 'release') rx.release();
    else if (m.cmd === 'reset') {
      rx.received.length = 0;
      base = 0;
      verified = 0;
      firstAt = null;
      lastAt = null;
    } else if (m.cmd === 'stats') {
      ack.stats = { count: base + rx.received.length, verified, firstAt, lastAt };
    }
    out(ack);
  })
  .on('close', () => void rx.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void rx.close().then(() => process.exit(0)));
