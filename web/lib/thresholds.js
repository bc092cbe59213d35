// @ts-check
/**
 * A subnet's alert thresholds in its settings: the subnet's own values (`alertOverrides`, named as the PATCH body
 * names them; null = the server's default) and the ones in force (`alerts`). Plain values in, plain values out.
 */

/** The number fields; `share`: shown in percent, sent as 0–1. */
export const THRESHOLD_FIELDS = [
  { key: 'downAfterFailures', from: 'downAfterFailures', label: 'Down after (silent sweeps)', min: 1, max: 100 },
  { key: 'alertUpAfter', from: 'upAfter', label: 'Up after (answers)', min: 1, max: 100 },
  { key: 'alertReminderMinutes', from: 'reminderMinutes', label: 'Reminder every (minutes, 0 = never)', min: 0, max: 10080 },
  { key: 'alertDegradedShare', from: 'degradedShare', label: 'Degraded share (%)', min: 0, max: 100, share: true },
  { key: 'alertDegradedMinHosts', from: 'degradedMinHosts', label: 'Degraded minimum hosts', min: 1, max: 100000 },
];

const percentOf = (share) => String(Math.round(share * 1000) / 10);

/** What an input shows: the subnet's own value, '' for the server's default. */
export function fieldValue(field, overrides) {
  const v = overrides?.[field.key];
  if (v == null) return '';
  return field.share ? percentOf(v) : String(v);
}

/** The placeholder: the value in force (the server's default while the field is empty). */
export function fieldPlaceholder(field, effective) {
  const v = effective?.[field.from];
  if (v == null) return '';
  return field.share ? percentOf(v) : String(v);
}

/**
 * The PATCH body from the inputs' texts (and the send-resolved choice: '' default, 'yes', 'no'), or the first
 * field that is not a whole number in range (a share may have decimals) with why.
 * @returns {{ body: Record<string, number | boolean | null> } | { field: string, error: string }}
 */
export function thresholdsPatch(values, sendResolved) {
  const body = /** @type {Record<string, number | boolean | null>} */ ({});
  for (const f of THRESHOLD_FIELDS) {
    const text = String(values[f.key] ?? '').trim();
    if (text === '') {
      body[f.key] = null;
      continue;
    }
    const n = Number(text);
    if (!Number.isFinite(n) || (!f.share && !Number.isInteger(n)) || n < f.min || n > f.max)
      return { field: f.key, error: `${f.share ? 'a number' : 'a whole number'} from ${f.min} to ${f.max}, or empty for the default` };
    body[f.key] = f.share ? Math.round(n * 10) / 1000 : n;
  }
  body.alertSendResolved = sendResolved === 'yes' ? true : sendResolved === 'no' ? false : null;
  return { body };
}

/** The select's value for the subnet's own send-resolved choice. */
export const sendResolvedValue = (overrides) => (overrides?.alertSendResolved == null ? '' : overrides.alertSendResolved ? 'yes' : 'no');

/** "down after 2, up after 1 (defaults)" for the settings' summary; a reminder interval when there is one. */
export function thresholdsSummary(effective, overrides) {
  if (!effective) return '—';
  const own = overrides && Object.values(overrides).some((v) => v != null);
  const reminder = effective.reminderMinutes ? `, reminder ${effective.reminderMinutes} min` : '';
  return `down after ${effective.downAfterFailures}, up after ${effective.upAfter}${reminder}${own ? '' : ' (defaults)'}`;
}

/** Which threshold a server refusal names (its schema path), else the first field. */
export function thresholdErrorField(err) {
  const path = String(err?.details?.issues?.[0]?.path ?? '').split('.')[0];
  return THRESHOLD_FIELDS.some((f) => f.key === path) || path === 'alertSendResolved' ? path : THRESHOLD_FIELDS[0].key;
}
