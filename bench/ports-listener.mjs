/**
 * A test host's services for the port-scan bench (bench/ports.ts): `node bench/ports-listener.mjs 22 80 3306`
 * listens on each TCP port given and prints "ready" once all are bound. Plain JavaScript so twenty of them start
 * without a TypeScript loader. 22 sends an SSH banner, 21/23/25/110/143/3306/5900 their greetings, 80/8080 answer
 * HTTP, so nmap -sV has something to name; any other port accepts and closes at once (nmap -sV: "tcpwrapped"). A
 * port that accepts and stays silent would hold -sV for minutes (every probe for the port, each with its own wait).
 */
import { createServer as createHttp } from 'node:http';
import { createServer } from 'node:net';

/** MySQL's refusal of an unknown client: a 3-byte length, sequence 0, then an error packet (0xff, code 1130). */
function mysqlRefusal() {
  const body = Buffer.concat([Buffer.from([0xff, 0x6a, 0x04]), Buffer.from("Host '198.18.0.1' is not allowed to connect to this MySQL server")]);
  return Buffer.concat([Buffer.from([body.length & 0xff, body.length >> 8, 0, 0]), body]);
}

const BANNERS = {
  21: '220 (vsFTPd 3.0.3)\r\n',
  22: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n',
  23: Buffer.from([0xff, 0xfd, 0x18, 0xff, 0xfd, 0x20, 0xff, 0xfd, 0x23, 0xff, 0xfd, 0x27]),
  25: '220 mail.bench.test ESMTP Postfix (Debian/GNU)\r\n',
  110: '+OK Dovecot ready.\r\n',
  143: '* OK Dovecot ready.\r\n',
  3306: mysqlRefusal(),
  5900: 'RFB 003.008\n',
};
const HTTP = new Set([80, 8080]);

const ports = process.argv.slice(2).map(Number);
if (!ports.length || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
  console.error('usage: node bench/ports-listener.mjs PORT...');
  process.exit(2);
}

function serverFor(port) {
  if (HTTP.has(port)) {
    return createHttp((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', server: 'nginx/1.22.1' });
      res.end('<html><head><title>bench</title></head><body>ok</body></html>\n');
    });
  }
  return createServer((socket) => {
    socket.setTimeout(30_000, () => socket.destroy());
    socket.on('error', () => {});
    socket.on('data', () => {});
    if (port === 3306) socket.end(BANNERS[port]); // MySQL hangs up after refusing
    else if (BANNERS[port]) socket.write(BANNERS[port]);
    else socket.destroy();
  });
}

await Promise.all(
  ports.map(
    (port) =>
      new Promise((resolve, reject) => {
        const server = serverFor(port);
        server.once('error', reject);
        server.listen({ port, host: '0.0.0.0' }, resolve);
      }),
  ),
);
console.log('ready');
