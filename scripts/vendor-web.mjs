// Copies the browser libraries the UI imports from node_modules into web/vendor/, so the UI and
// /docs work with no internet and no bundler. Runs on `npm install` (postinstall).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = {
  'preact/dist/preact.mjs': 'preact.mjs',
  'preact/hooks/dist/hooks.mjs': 'preact-hooks.mjs',
  'htm/dist/htm.mjs': 'htm.mjs',
  'swagger-ui-dist/swagger-ui-bundle.js': 'swagger-ui-bundle.js',
  'swagger-ui-dist/swagger-ui.css': 'swagger-ui.css',
};
const out = join(root, 'web', 'vendor');
mkdirSync(out, { recursive: true });
for (const [from, to] of Object.entries(files)) copyFileSync(join(root, 'node_modules', from), join(out, to));
// ipaddr.js ships as CommonJS only: give it a module object and export what it puts there
const ipaddr = readFileSync(join(root, 'node_modules', 'ipaddr.js/lib/ipaddr.js'), 'utf8');
writeFileSync(join(out, 'ipaddr.mjs'), `const module = { exports: {} };\n${ipaddr}\nexport default module.exports;\n`);
console.log(`vendored ${Object.keys(files).length + 1} browser files into web/vendor/`);
