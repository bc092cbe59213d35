import { describe, expect, it } from 'vitest';
import { ALERT_EVENT_TYPES } from '../../schema/alert-event.js';
import { WEBHOOK_FORMAT_NAMES } from '../../worker/webhooks/formats/index.js';
// the browser UI is plain ES modules (no bundler, no types); these tables test its pure helpers
import { ALERT_TYPES, alertHostHref, alertType, attemptStatus, deliveriesText, endpointBody, endpointErrorField, FORMATS, STANDARD_TYPES, testText } from './alerts.js';

const host = { id: 7, ip: '198.18.0.7', hostname: null, tags: [], url: null };
const event = (data: Record<string, unknown>) => ({ id: 'e1', type: 'host.down', timestamp: '2026-11-26T12:00:00Z', data: { host: null, subnet: null, probe: null, summary: '', ...data } });

describe('alert types and formats', () => {
  it('lists every event type and format the server knows, in its order', () => {
    expect(ALERT_TYPES.map((t) => t.type)).toEqual([...ALERT_EVENT_TYPES]);
    expect(FORMATS.map((f) => f.value)).toEqual([...WEBHOOK_FORMAT_NAMES]);
  });

  it('ticks host, probe, subnet and test events for a new endpoint, not the port changes', () => {
    expect(STANDARD_TYPES).toEqual(['host.down', 'host.up', 'probe.offline', 'probe.online', 'subnet.degraded', 'subnet.recovered', 'test']);
  });

  it.each([
    ['host.down', 'Host down', 'bad'],
    ['probe.online', 'Probe online', 'good'],
    ['port.opened', 'Port opened', 'info'],
    ['mac.changed', 'MAC changed', 'info'],
    ['talker.unregistered', 'Unregistered talker', 'info'],
    ['flow.spike', 'flow.spike', 'info'],
  ])('%s is shown as %s (%s)', (type, label, tone) => expect(alertType(type)).toMatchObject({ label, tone }));
});

describe('alert texts', () => {
  it.each([
    [event({ host, subnet: { id: 3, cidr: '198.18.0.0/24', name: '' } }), '#/subnets/3?host=7'],
    [event({ host }), '#/?host=7'],
    [event({ subnet: { id: 3, cidr: '198.18.0.0/24', name: '' } }), null],
    [event({}), null],
  ])('the host link of %j is %s', (e, href) => expect(alertHostHref(e)).toBe(href));

  it.each([
    [{ total: 0, delivered: 0, pending: 0 }, 'not sent'],
    [{ total: 1, delivered: 1, pending: 0 }, '1/1 delivered'],
    [{ total: 3, delivered: 1, pending: 2 }, '1/3 delivered, 2 pending'],
  ])('deliveries %j read %s', (d, text) => expect(deliveriesText(d)).toBe(text));

  it.each([
    [204, '204'],
    [null, 'no answer'],
  ])('status %s reads %s', (code, text) => expect(attemptStatus(code)).toBe(text));

  it.each([
    [{ delivered: true, statusCode: 204, durationMs: 12, error: null }, 'Delivered: 204 in 12 ms'],
    [{ delivered: false, statusCode: 500, durationMs: 30, error: 'HTTP 500' }, 'Not delivered: 500 in 30 ms (HTTP 500)'],
    [{ delivered: false, statusCode: null, durationMs: 15000, error: 'timed out' }, 'Not delivered: no answer in 15000 ms (timed out)'],
    [{ delivered: false, statusCode: null, durationMs: null, error: 'not sent (an earlier test is still being retried)' }, 'Not delivered: no answer (not sent (an earlier test is still being retried))'],
  ])('a test answer %j reads %s', (r, text) => expect(testText(r)).toBe(text));
});

describe('the endpoint form', () => {
  it('sends no subnet or tag picked as no filter, and ids as numbers', () => {
    const v = { name: ' ops ', url: ' https://hooks.example.net/x ', format: 'slack', eventTypes: ['host.down'], enabled: true };
    expect(endpointBody({ ...v, subnetIds: [], tags: [] })).toEqual({ name: 'ops', url: 'https://hooks.example.net/x', format: 'slack', eventTypes: ['host.down'], subnetIds: null, tags: null, enabled: true });
    expect(endpointBody({ ...v, subnetIds: ['3', '5'], tags: ['db'], enabled: false })).toMatchObject({ subnetIds: [3, 5], tags: ['db'], enabled: false });
  });

  it.each([
    [{ code: 'url_not_allowed' }, 'url'],
    [{ code: 'url_unsuited' }, 'url'],
    [{ code: 'unknown_subnet' }, 'subnetIds'],
    [{ code: 'invalid_request', details: { issues: [{ path: 'eventTypes.0', message: 'Invalid option' }] } }, 'eventTypes'],
    [{ code: 'invalid_request', details: { issues: [{ path: 'name', message: 'Too small' }] } }, 'name'],
    [{ code: 'invalid_request', details: { issues: [{ path: '', message: 'bad' }] } }, 'form'],
    [{ code: 'forbidden' }, 'form'],
  ])('a refusal %j belongs to the field %s', (err, field) => expect(endpointErrorField(err)).toBe(field));
});
