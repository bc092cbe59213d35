// Copies the browser libraries the UI imports from node_modules into web/vendor/, so the UI and
// /docs work with no internet and no bundler. Runs on `npm install` (postinstall).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

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

// read-excel-file/universal has dependencies (fflate): one ES module, loaded by web/lib/workbook.js when an .xlsx is
// chosen; its fflate is the worker-less one (scripts/vendor/fflate-sync.mjs: the CSP refuses blob: workers)
const shim = join(root, 'scripts', 'vendor', 'fflate-sync.mjs');
await build({
  absWorkingDir: root,
  entryPoints: ['read-excel-file/universal'],
  outfile: join(out, 'read-excel-file.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'eof',
  banner: { js: '/*! read-excel-file/universal (MIT, github.com/catamphetamine/read-excel-file) with fflate (MIT); bundled by scripts/vendor-web.mjs */' },
  logLevel: 'warning',
  plugins: [
    {
      name: 'fflate-sync',
      setup(b) {
        b.onResolve({ filter: /^fflate$/ }, (args) => (args.importer === shim ? undefined : { path: shim }));
      },
    },
  ],
});
console.log(`vendored ${Object.keys(files).length + 2} browser files into web/vendor/`);
