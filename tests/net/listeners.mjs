// Test services for tests/net/ports.test.ts, run inside a host namespace (topo.spawnIn):
//   node tests/net/listeners.mjs http:80 ssh:22
// http: node:http answering every request as nginx would (a Server header nmap -sV recognises at once);
// ssh: a TCP server that sends an OpenSSH banner on connect, as sshd does before the client speaks.
// Prints "ready <ports>" once every port listens; on stdin "close <port>" stops that listener and prints
// "closed <port>". Exits when stdin ends (the test process died) or on SIGTERM, so nothing outlives the test.
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { createInterface } from 'node:readline';

const SSH_BANNER = 'SSH-2.0-OpenSSH_9.2p1\r\n';
const PAGE = '<html><head><title>edge-ipam test host</title></head><body>hello</body></html>\n';

const kinds = {
  http: () =>
    createHttpServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html', Server: 'nginx/1.22.1' });
      res.end(PAGE);
    }),
  ssh: () =>
    createTcpServer((socket) => {
      socket.on('error', () => {});
      socket.setTimeout(10_000, () => socket.destroy());
      socket.write(SSH_BANNER);
    }),
};

const servers = new Map();
const sockets = new Map();

function listen(spec) {
  const [kind, portText] = spec.split(':');
  const port = Number(portText);
  if (!kinds[kind] || !Number.isInteger(port)) throw new Error(`listeners: bad spec ${spec} (want http:PORT or ssh:PORT)`);
  const server = kinds[kind]();
  const open = new Set();
  server.on('connection', (s) => {
    open.add(s);
    s.once('close', () => open.delete(s));
  });
  sockets.set(port, open);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => {
      servers.set(port, server);
      resolve();
    });
  });
}

function close(port) {
  const server = servers.get(port);
  if (!server) return console.log(`not-listening ${port}`);
  servers.delete(port);
  server.close(() => console.log(`closed ${port}`));
  for (const s of sockets.get(port) ?? []) s.destroy();
}

process.on('SIGTERM', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
createInterface({ input: process.stdin }).on('line', (line) => {
  const m = /^close (\d+)$/.exec(line.trim());
  if (m) close(Number(m[1]));
});

await Promise.all(process.argv.slice(2).map(listen));
console.log(`ready ${[...servers.keys()].join(',')}`);
