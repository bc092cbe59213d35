// @ts-check
// Reading a form's typed values as the server's bounds take them (shared by the pages' request builders).

/**
 * A whole number from `min` to `max` in a text field, or that field with the message to show at it.
 * @returns {{ value: number } | { field: string, error: string }}
 */
export function wholeNumber(text, field, label, { min, max }) {
  const t = String(text).trim();
  if (!/^\d+$/.test(t)) return { field, error: `${label} must be a whole number from ${min} to ${max}.` };
  const n = Number(t);
  if (n < min || n > max) return { field, error: `${label} must be from ${min} to ${max}.` };
  return { value: n };
}
