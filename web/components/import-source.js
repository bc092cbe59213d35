// @ts-check
import { formatChoices, formatLabel } from '../lib/imports.js';
import { html } from '../lib/html.js';

/**
 * The import's first step: the file (.xlsx or .csv) and its format (detected from the headers, or named).
 * @param {{ formats: { id: string, label: string }[] | null, format: string, detected: string | null, onFile: (file: File) => void,
 *   onFormat: (format: string) => void, problem: string, disabled: boolean }} props
 */
export function ImportSource({ formats, format, detected, onFile, onFormat, problem, disabled }) {
  const pick = (e) => {
    const file = e.currentTarget.files?.[0];
    if (file) onFile(file);
  };
  return html`<form class="import-source inline" aria-label="The file to import" onSubmit=${(e) => e.preventDefault()}>
    <div class="field"><label for="import-file">File <span class="muted">(.xlsx or .csv, at most 8 MiB)</span></label>
      <input id="import-file" type="file" accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        aria-describedby="import-file-error" aria-invalid=${problem ? 'true' : undefined} disabled=${disabled} onChange=${pick} />
      <span id="import-file-error" class="error" role="alert">${problem}</span></div>
    <div class="field"><label for="import-format">Format</label>
      <select id="import-format" value=${format} disabled=${disabled} aria-describedby="import-format-hint" onChange=${(e) => onFormat(e.currentTarget.value)}>
        ${formatChoices(formats).map((f) => html`<option key=${f.id} value=${f.id}>${f.label}</option>`)}
      </select>
      <span id="import-format-hint" class="hint muted">${format === 'auto' && detected ? `Detected: ${formatLabel(formats, detected)}` : ''}</span></div>
  </form>`;
}
