// A raw protocol peer standing in for the control plane (tests/net/ports.test.ts): it sends a real probe
// frames the real server never would. Run inside the cp namespace:
//   node tests/net/fake-control-plane.mjs <port>
// Accepts any probe token on PROBE_SOCKET_PATH. Writes one JSON line per event on stdout:
//   {"event":"listening"}, {"event":"connected","authorization":"Bearer …"}, {"event":"frame","frame":{…}},
//   {"event":"closed"}; and sends each JSON line read on stdin to the connected probe as one frame.
// Exits when stdin ends (the test process died) or on SIGTERM.
import { createInterface } from 'node:readline';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2]);
const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
let probe = null;

const wss = new WebSocketServer({ host: '0.0.0.0', port, path: '/api/probes/connect' });
wss.on('listening', () => emit({ event: 'listening' }));
wss.on('connection', (ws, req) => {
  probe?.terminate();
  probe = ws;
  emit({ event: 'connected', authorization: req.headers.authorization ?? null });
  ws.on('message', (data) => {
    let frame;
    try {
      frame = JSON.parse(String(data));
    } catch {
      frame = { unparsed: String(data) };
    }
    // answer heartbeats as the server does, so the probe keeps the link
    if (frame.type === 'ping') return ws.send(JSON.stringify({ type: 'pong' }));
    emit({ event: 'frame', frame });
  });
  ws.on('close', () => {
    if (probe === ws) probe = null;
    emit({ event: 'closed' });
  });
});

createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  if (!probe) return emit({ event: 'error', message: 'no probe connected' });
  probe.send(line);
});
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
