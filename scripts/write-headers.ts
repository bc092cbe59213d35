// Writes web/_headers, the security headers Cloudflare puts on the Workers host's static files, from the same
// policy the app uses (worker/http/security-headers.ts) and the hashes of web/index.html's inline scripts.
// Run it after changing either: `npx tsx scripts/write-headers.ts` (tests/web/security-headers.test.ts checks it).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { staticHeadersFile } from '../worker/http/static-headers.js';
import { readFileSync } from 'node:fs';

const web = (name: string) => fileURLToPath(new URL(`../web/${name}`, import.meta.url));
writeFileSync(web('_headers'), staticHeadersFile(readFileSync(web('index.html'), 'utf8')));
console.log('wrote web/_headers');
