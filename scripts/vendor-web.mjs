// Copies the browser libraries the UI imports from node_modules into web/vendor/, so the UI and
// /docs work with no internet and no bundler. Runs on `npm install` (postinstall).
import { copyFileSync, mkdirSync } from 'node:fs';
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
console.log(`vendored ${Object.keys(files).length} browser files into web/vendor/`);
