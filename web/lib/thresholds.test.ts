import { describe, expect, it } from 'vitest';
// the browser UI is plain ES modules (no bundler, no types); these tables test its pure helpers
import { fieldPlaceholder, fieldValue, sendResolvedValue, THRESHOLD_FIELDS, thresholdErrorField, thresholdsPatch, thresholdsSummary } from './thresholds.js';

const field = (key: string) => THRESHOLD_FIELDS.find((f) => f.key === key)!;
const effective = { downAfterFailures: 2, upAfter: 1, reminderMinutes: 0, sendResolved: true, degradedShare: 0.5, degradedMinHosts: 3 };
const none = { downAfterFailures: null, alertUpAfter: null, alertReminderMinutes: null, alertSendResolved: null, alertDegradedShare: null, alertDegradedMinHosts: null };
const empty = Object.fromEntries(THRESHOLD_FIELDS.map((f) => [f.key, '']));

describe('a subnet’s alert thresholds', () => {
  it('shows its own values, and the ones in force as placeholders; the share in percent', () => {
    const own = { ...none, alertUpAfter: 3, alertDegradedShare: 0.333 };
    expect(fieldValue(field('alertUpAfter'), own)).toBe('3');
    expect(fieldValue(field('downAfterFailures'), own)).toBe('');
    expect(fieldValue(field('alertDegradedShare'), own)).toBe('33.3');
    expect(fieldPlaceholder(field('downAfterFailures'), effective)).toBe('2');
    expect(fieldPlaceholder(field('alertDegradedShare'), effective)).toBe('50');
    expect(fieldPlaceholder(field('alertReminderMinutes'), undefined)).toBe('');
  });

  it('sends empty fields as null (the server default), the share as 0–1, send-resolved as a choice', () => {
    expect(thresholdsPatch(empty, '')).toEqual({ body: { ...none } });
    expect(thresholdsPatch({ ...empty, alertUpAfter: ' 3 ', alertReminderMinutes: '0', alertDegradedShare: '33.3' }, 'no')).toEqual({
      body: { ...none, alertUpAfter: 3, alertReminderMinutes: 0, alertDegradedShare: 0.333, alertSendResolved: false },
    });
    expect(thresholdsPatch(empty, 'yes')).toMatchObject({ body: { alertSendResolved: true } });
  });

  it.each([
    ['downAfterFailures', '0'],
    ['downAfterFailures', '101'],
    ['alertUpAfter', '1.5'],
    ['alertUpAfter', 'three'],
    ['alertReminderMinutes', '-1'],
    ['alertDegradedShare', '150'],
    ['alertDegradedMinHosts', '0'],
  ])('refuses %s = %j before asking the server', (key, text) => {
    const r = thresholdsPatch({ ...empty, [key]: text }, '');
    expect(r).toMatchObject({ field: key, error: expect.stringMatching(/from .* to .*, or empty for the default/) });
  });

  it('reads the send-resolved choice back', () => {
    expect(sendResolvedValue(none)).toBe('');
    expect(sendResolvedValue({ ...none, alertSendResolved: true })).toBe('yes');
    expect(sendResolvedValue({ ...none, alertSendResolved: false })).toBe('no');
    expect(sendResolvedValue(undefined)).toBe('');
  });

  it('sums the settings up in one line', () => {
    expect(thresholdsSummary(effective, none)).toBe('down after 2, up after 1 (defaults)');
    expect(thresholdsSummary({ ...effective, upAfter: 3, reminderMinutes: 30 }, { ...none, alertUpAfter: 3, alertReminderMinutes: 30 })).toBe('down after 2, up after 3, reminder 30 min');
    expect(thresholdsSummary(undefined, undefined)).toBe('—');
  });

  it.each([
    [{ details: { issues: [{ path: 'alertUpAfter', message: 'Too big' }] } }, 'alertUpAfter'],
    [{ details: { issues: [{ path: 'alertSendResolved', message: 'x' }] } }, 'alertSendResolved'],
    [{ code: 'not_found' }, 'downAfterFailures'],
  ])('a refusal %j belongs to %s', (err, key) => expect(thresholdErrorField(err)).toBe(key));
});
