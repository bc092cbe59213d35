import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { WEBHOOK_FORMAT_NAMES, formatOf, webhookFormats, type WebhookFormatName } from './index.js';
import { TEST_EVENTS } from './test-events.js';

describe('the format list', () => {
  it('has one format per name, in order', () => {
    expect(webhookFormats.map((f) => f.name)).toEqual([...WEBHOOK_FORMAT_NAMES]);
    expect(WEBHOOK_FORMAT_NAMES).toEqual(['generic', 'slack', 'discord', 'teams', 'ntfy']);
    for (const format of webhookFormats) {
      expect(formatOf(format.name)).toBe(format);
      expect(format.label).toBeTruthy();
    }
  });

  it('feeds a zod enum', () => {
    const name = z.enum(WEBHOOK_FORMAT_NAMES);
    expect(name.parse('ntfy')).toBe('ntfy');
    expect(name.safeParse('msteams').success).toBe(false);
  });

  it('refuses an unknown name', () => {
    expect(() => formatOf('msteams' as WebhookFormatName)).toThrow(/unknown webhook format/);
  });

  // fetch takes header values as ByteStrings; anything beyond printable ASCII is the format's bug.
  it.each(webhookFormats.flatMap((f) => Object.entries(TEST_EVENTS).map(([name, e]) => [f.name, name, e] as const)))(
    '%s renders %s with a content-type and ASCII headers',
    (formatName, _name, event) => {
      const { body, headers } = formatOf(formatName).render(event);
      expect(typeof body).toBe('string');
      expect(Object.keys(headers).map((k) => k.toLowerCase())).toContain('content-type');
      for (const [key, value] of Object.entries(headers)) {
        expect(key).toMatch(/^[A-Za-z0-9-]+$/);
        expect(value).toMatch(/^[\x20-\x7e]*$/);
      }
      expect(() => new Request('https://example.com/', { method: 'POST', headers, body })).not.toThrow();
    },
  );
});
