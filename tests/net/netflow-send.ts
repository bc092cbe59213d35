/**
 * Sends a datagram file (netflow-kit writeDatagrams) in order to 127.0.0.1:<port> of the namespace it runs in:
 * `tsx tests/net/netflow-send.ts <file> <port>`. The end-to-end suite runs it inside the probe's test namespace.
 */
import { readDatagrams, sendDatagrams } from './netflow-kit.js';

const [file, port] = process.argv.slice(2);
if (!file || !port) throw new Error('usage: netflow-send.ts <datagrams file> <port>');
const datagrams = readDatagrams(file);
await sendDatagrams(datagrams, Number(port));
process.stdout.write(`${JSON.stringify({ sent: datagrams.length })}\n`);
