// @ts-check
import { useEffect, useRef, useState } from 'preact/hooks';
import { ExportLinks } from '../components/export-links.js';
import { ImportColumns } from '../components/import-columns.js';
import { ImportErrors } from '../components/import-errors.js';
import { ImportOutside } from '../components/import-outside.js';
import { ImportFailure, ImportResult } from '../components/import-result.js';
import { ImportSource } from '../components/import-source.js';
import { ImportSummary } from '../components/import-summary.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { commitBlock, errorsHeading, failureOf, importRequest, remap, sameHeaders, watchName, watchProblem } from '../lib/imports.js';
import { useCan, useSession } from '../lib/session.js';
import { useData } from '../lib/use-data.js';
import { readWorkbook } from '../lib/workbook.js';

/** Typing a watch list's name re-previews once the typing pauses; anything else at once. */
const TYPING_MS = 400;

/** What was read of the chosen file. */
const sourceText = (s) => (s.rows ? `${s.name}: the first sheet, ${s.rows.length.toLocaleString('en')} ${s.rows.length === 1 ? 'row' : 'rows'}` : `${s.name}: a CSV file`);

/** The probe a watch list starts with: the local one, else the first connected, else none. */
const defaultProbe = (probes) => String((probes.find((p) => p.isLocal) ?? probes.find((p) => p.connected))?.id ?? '');

/**
 * Import (issue 15): a spreadsheet of hosts, or phpIPAM's and NetBox's CSV exports. The file is read in the browser
 * (an .xlsx as its first sheet's rows, a .csv as text), previewed by the server (the columns and how they map, the
 * counts, every bad row), then committed all or nothing.
 */
export function Import() {
  const { me } = useSession();
  const edit = useCan('editor');
  if (!me) return html`<section class="import-page"><h1>Import</h1><p>Loading…</p></section>`;
  if (!edit) {
    return html`<section class="import-page"><h1>Import</h1>
      <p class="notice">Only editors and admins can import; you are ${me.role === 'admin' ? 'an' : 'a'} ${me.role}. The exports are open to you:</p>
      <${ExportLinks} /></section>`;
  }
  return html`<${ImportForm} />`;
}

function ImportForm() {
  const probes = useData(() => api('GET', '/api/probes'), [], { events: ['probe'] });
  // the list changes only with the server's version: asked once an hour
  const formats = useData(() => api('GET', '/api/import/formats'), [], { pollMs: 3_600_000 }).data?.formats ?? null;
  const probeList = probes.data?.probes ?? [];
  const [source, setSource] = useState(/** @type {{ name: string, rows?: any[][], csv?: string } | null} */ (null));
  const [fileProblem, setFileProblem] = useState('');
  const [format, setFormat] = useState('auto');
  const [mapping, setMapping] = useState(/** @type {{ fields: Record<string, string | null>, headerRow: number | null } | null} */ (null));
  const [outside, setOutside] = useState(/** @type {'refuse' | 'watch'} */ ('refuse'));
  const [watch, setWatch] = useState({ name: '', probeId: '', chosen: false });
  const [preview, setPreview] = useState(/** @type {any} */ (null));
  const [previewError, setPreviewError] = useState('');
  const [busy, setBusy] = useState(/** @type {'' | 'reading' | 'previewing' | 'committing'} */ (''));
  const [result, setResult] = useState(/** @type {any} */ (null));
  const [failure, setFailure] = useState(/** @type {ReturnType<typeof failureOf> | null} */ (null));
  const [round, setRound] = useState(0);
  /** The preview's target once one answered (the outside option is about hosts); kept while a re-preview fails. */
  const [target, setTarget] = useState(/** @type {string | null} */ (null));
  /** How many previews have answered: the page's `data-previews`, so a test (or a person) can tell a new one came. */
  const [answers, setAnswers] = useState(0);
  const gen = useRef(0);
  const typing = useRef(false);
  /** The columns chosen for the last file, offered to the next one (the same file, fixed): kept when its headers match. */
  const carry = useRef(/** @type {{ headers: string[], fields: Record<string, string | null> } | null} */ (null));
  const [kept, setKept] = useState(false);

  const form = () => ({ source: /** @type {any} */ (source), format, mapping: mapping?.fields ?? null, headerRow: mapping?.headerRow ?? null, outside, watch });
  const problem = watchProblem(outside, watch);

  // every change of what would be sent asks for a new preview; an answer to an older request is dropped
  useEffect(() => {
    const mine = ++gen.current;
    if (!source || problem) {
      setBusy((b) => (b === 'previewing' ? '' : b));
      return;
    }
    setBusy('previewing');
    const t = setTimeout(async () => {
      let again = false;
      try {
        const p = await api('POST', '/api/import/preview', importRequest(form()));
        if (mine !== gen.current) return;
        const carried = carry.current;
        carry.current = null;
        // the same headers as the file before: its column choices again (one more preview, this one not shown)
        again = !!carried && sameHeaders(carried.headers, p.columns);
        if (again) return (setMapping({ fields: /** @type {any} */ (carried).fields, headerRow: p.headerRow ?? null }), setKept(true));
        setPreview(p), setTarget(p.target), setPreviewError('');
      } catch (err) {
        carry.current = null;
        if (mine === gen.current) (setPreview(null), setPreviewError(/** @type {Error} */ (err).message));
      } finally {
        if (mine === gen.current && !again) (setBusy(''), setAnswers((n) => n + 1));
      }
    }, typing.current ? TYPING_MS : 0);
    typing.current = false;
    return () => clearTimeout(t);
  }, [source, format, mapping, outside, watch.name, watch.probeId, problem, round]);

  const choose = async (file) => {
    ++gen.current;
    setBusy('reading');
    setFileProblem('');
    setResult(null);
    setFailure(null);
    try {
      const read = await readWorkbook(file);
      carry.current = mapping && preview ? { headers: preview.columns.map((c) => c.header), fields: mapping.fields } : null;
      setKept(false);
      setPreview(null);
      setPreviewError('');
      setMapping(null);
      setTarget(null);
      if (!watch.name) setWatch((w) => ({ ...w, name: watchName(read.name) }));
      setSource(read);
    } catch (err) {
      setSource(null);
      setPreview(null);
      setFileProblem(/** @type {Error} */ (err).message);
    } finally {
      setBusy((b) => (b === 'reading' ? '' : b));
    }
  };
  const pickFormat = (f) => (setFormat(f), setMapping(null), setKept(false));
  const changeColumn = (index, field) => preview && (setMapping({ fields: remap(preview.columns, index, field), headerRow: preview.headerRow ?? null }), setKept(false));
  const pickOutside = (o) => {
    setOutside(o);
    if (o === 'watch' && !watch.chosen) setWatch((w) => ({ ...w, probeId: w.probeId || defaultProbe(probeList) }));
  };
  const changeWatch = (changes) => {
    if ('name' in changes) typing.current = true;
    setWatch((w) => ({ ...w, ...changes, chosen: w.chosen || 'probeId' in changes }));
  };
  const block = preview ? commitBlock(preview) : 'Choose a file first.';
  const commit = async () => {
    if (busy || block || problem || !preview) return;
    setBusy('committing');
    setFailure(null);
    try {
      setResult({ ...(await api('POST', '/api/import/commit', importRequest(form()))), target: preview.target });
    } catch (err) {
      setFailure(failureOf(err));
    } finally {
      setBusy('');
    }
  };
  const again = () => {
    setResult(null);
    setSource(null);
    setTarget(null);
    setPreview(null);
    setMapping(null);
    setFailure(null);
    carry.current = null;
  };
  const retry = () => (setFailure(null), setRound((r) => r + 1));

  if (result) return html`<section class="import-page"><h1>Import</h1><${ImportResult} result=${result} onAgain=${again} /></section>`;
  const status = busy === 'reading' ? 'Reading the file…' : busy === 'previewing' ? 'Previewing…' : busy === 'committing' ? 'Importing…' : '';
  return html`<section class="import-page" data-busy=${busy || undefined} data-previews=${answers}>
    <h1>Import</h1>
    <p class="muted">An .xlsx workbook (its first sheet) or a .csv file: a spreadsheet with a column of addresses (and hostname,
      description, tags, notes, reserved…), or phpIPAM's subnets or addresses export, or NetBox's prefixes or IP addresses export.
      Nothing is written before <strong>Import</strong>, and then every row or none.</p>
    <${ExportLinks} />
    <${ImportSource} formats=${formats} format=${format} detected=${preview?.format ?? null} onFile=${choose} onFormat=${pickFormat} problem=${fileProblem} disabled=${busy === 'committing'} />
    <p class="import-status muted" role="status" aria-live="polite">${status || (source ? sourceText(source) : '')}</p>
    ${previewError && html`<p class="error" role="alert" data-preview-error>${previewError}</p>`}
    ${preview && html`<${ImportSummary} preview=${preview} formats=${formats} />`}
    ${source && target === 'hosts' && html`<${ImportOutside} outside=${outside} watch=${watch} probes=${probeList} problem=${problem}
      onOutside=${pickOutside} onWatch=${changeWatch} disabled=${busy === 'committing'} />`}
    ${preview &&
    html`${preview.errors.length > 0 && html`<${ImportErrors} heading=${errorsHeading(preview)} rows=${preview.errors} />`}
      <${ImportColumns} columns=${preview.columns} fields=${preview.fields} onChange=${changeColumn} disabled=${busy === 'committing'}
        note=${kept ? 'Your column choices for the last file were kept: its headers are the same.' : ''} />
      <div class="import-commit op-submit">
        <button type="button" class="primary" aria-disabled=${busy || block || problem ? 'true' : undefined} aria-describedby="import-commit-why" onClick=${commit}>
          ${busy === 'committing' ? 'Importing…' : 'Import'}</button>
        <span id="import-commit-why" class="muted">${block || problem}</span>
      </div>`}
    ${failure && html`<${ImportFailure} failure=${failure} onRetry=${retry} />`}
  </section>`;
}
