/**
 * The UI's index.html with every file it loads addressed by content (`/lib/api.js?v=<hash>`), so the browser may
 * keep those files for good and still never mixes two releases: a changed file gets a new address. The UI has no
 * bundler, so modules import each other by plain path ('../lib/api.js'); the import map sends each such path to
 * its versioned address. Pure: the page's text and the files' versions in, the rewritten page out.
 */
export function versionedIndex(html: string, versions: ReadonlyMap<string, string>): string {
  const versioned = (path: string) => {
    const v = versions.get(path);
    return v === undefined ? path : `${path}?v=${v}`;
  };
  const withMap = html.replace(/(<script type="importmap">)([\s\S]*?)(<\/script>)/, (_all, open: string, json: string, close: string) => {
    const map = JSON.parse(json) as { imports?: Record<string, string> };
    const imports: Record<string, string> = {};
    for (const [specifier, path] of Object.entries(map.imports ?? {})) imports[specifier] = versioned(path);
    // our own modules (vendored ones are imported by bare name, mapped just above)
    for (const path of [...versions.keys()].sort()) if (path.endsWith('.js') && !path.startsWith('/vendor/')) imports[path] = versioned(path);
    return `${open}\n    ${JSON.stringify({ ...map, imports })}\n  ${close}`;
  });
  // src="/x" and href="/x" of files we serve (scripts, module preloads, the stylesheet)
  return withMap.replace(/\b(src|href)="(\/[^"?#]*)"/g, (all, attr: string, path: string) => (versions.has(path) ? `${attr}="${versioned(path)}"` : all));
}
