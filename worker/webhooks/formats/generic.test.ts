import { describe, expect, it } from 'vitest';
import { alertEvent, type AlertEvent } from '../../../schema/alert-event.js';
import { generic } from './generic.js';
import { TEST_EVENTS } from './test-events.js';

describe('generic', () => {
  it.each(Object.entries(TEST_EVENTS))('%s: the AlertEvent itself, as JSON', (_name, event) => {
    const { body, headers } = generic.render(event);
    expect(headers).toEqual({ 'content-type': 'application/json' });
    expect(alertEvent.parse(JSON.parse(body))).toEqual(event);
    expect(JSON.parse(body)).toEqual(event);
  });

  it('sends only the documented keys', () => {
    const event = { ...TEST_EVENTS['host.up']!, internal: 'x', data: { ...TEST_EVENTS['host.up']!.data, secret: 1 } };
    const body = JSON.parse(generic.render(event as AlertEvent).body);
    expect(body).not.toHaveProperty('internal');
    expect(body.data).not.toHaveProperty('secret');
  });

  it('refuses an event that is not one', () => {
    expect(() => generic.render({ ...TEST_EVENTS['host.up']!, type: 'host.sideways' } as unknown as AlertEvent)).toThrow();
  });

  it.each(['https://example.com/hook', 'http://198.18.0.5:9000/'])('suits any URL: %s', (url) => {
    expect(generic.checkUrl(new URL(url))).toBeNull();
  });
});
