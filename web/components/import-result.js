// @ts-check
import { useEffect, useRef } from 'preact/hooks';
import { resultText } from '../lib/imports.js';
import { html } from '../lib/html.js';
import { ImportErrors } from './import-errors.js';

const LISTED = 500;
const refusedHeading = (n) => `${n.toLocaleString('en')} ${n === 1 ? 'row' : 'rows'} refused${n > LISTED ? ` (the first ${LISTED} listed)` : ''}`;

/** Focus moves to the heading of what just happened, so a screen reader reads it. */
function useFocus() {
  const ref = useRef(/** @type {HTMLHeadingElement | null} */ (null));
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

/** The committed import (`result.target`: hosts or subnets): what was written, and the way on. */
export function ImportResult({ result, onAgain }) {
  const heading = useFocus();
  return html`<section class="import-result" aria-labelledby="import-result-heading">
    <h2 id="import-result-heading" tabindex="-1" ref=${heading}>Import done</h2>
    <p class="ok" data-result>${resultText(result, result.target)}</p>
    <p><a href="#/subnets">Open the subnets</a> · <button type="button" class="link" onClick=${onAgain}>Import another file</button></p>
  </section>`;
}

/**
 * A refused commit (nothing was written): the rows the server found bad (422), someone else's write meanwhile (409)
 * or the message; "Preview again" reads the database anew.
 * @param {{ failure: { kind: string, message: string, rows: { line: number, message: string }[] }, onRetry: () => void }} props
 */
export function ImportFailure({ failure, onRetry }) {
  const heading = useFocus();
  const why = failure.kind === 'conflict'
    ? 'Someone changed the same subnets or hosts while you were looking at the preview.'
    : failure.kind === 'rows' ? 'Some rows are no longer valid.' : failure.message;
  return html`<section class="import-failure" role="alert" aria-labelledby="import-failure-heading">
    <h2 id="import-failure-heading" tabindex="-1" ref=${heading}>Nothing was imported</h2>
    <p class="error" data-failure=${failure.kind}>${why}${failure.kind !== 'other' && failure.message ? html` <span class="muted">(${failure.message})</span>` : ''}</p>
    ${failure.rows.length > 0 && html`<${ImportErrors} id="import-refused" heading=${refusedHeading(failure.rows.length)} rows=${failure.rows.slice(0, LISTED)} />`}
    <p><button type="button" onClick=${onRetry}>Preview again</button></p>
  </section>`;
}
