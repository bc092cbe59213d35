// @ts-check
/** Alert events and webhook endpoints for display: plain values in, plain values out. */

/**
 * Every event type the API knows (schema/alert-event.ts), with how the UI shows it. `tone` picks the colour;
 * `standard`: checked for a new endpoint (port changes are left to those who ask for them: a scan can make many).
 */
export const ALERT_TYPES = [
  { type: 'host.down', label: 'Host down', icon: '▼', tone: 'bad', standard: true },
  { type: 'host.up', label: 'Host up', icon: '▲', tone: 'good', standard: true },
  { type: 'port.opened', label: 'Port opened', icon: '+', tone: 'info', standard: false },
  { type: 'port.closed', label: 'Port closed', icon: '−', tone: 'info', standard: false },
  { type: 'service.changed', label: 'Service changed', icon: '~', tone: 'info', standard: false },
  { type: 'mac.changed', label: 'MAC changed', icon: '⇄', tone: 'info', standard: false },
  // opt-in: a router's flows may show many addresses without a record the first day (DHCP clients, guests)
  { type: 'talker.unregistered', label: 'Unregistered talker', icon: '?', tone: 'info', standard: false },
  { type: 'probe.offline', label: 'Probe offline', icon: '⚠', tone: 'bad', standard: true },
  { type: 'probe.online', label: 'Probe online', icon: '✓', tone: 'good', standard: true },
  { type: 'subnet.degraded', label: 'Subnet degraded', icon: '⚠', tone: 'bad', standard: true },
  { type: 'subnet.recovered', label: 'Subnet recovered', icon: '✓', tone: 'good', standard: true },
  { type: 'test', label: 'Test', icon: '•', tone: 'info', standard: true },
];

export const STANDARD_TYPES = ALERT_TYPES.filter((t) => t.standard).map((t) => t.type);

/** How a type is shown; an unknown one (a newer server) as itself. */
export function alertType(type) {
  return ALERT_TYPES.find((t) => t.type === type) ?? { type, label: type, icon: '•', tone: 'info', standard: false };
}

/** The formats an endpoint may have, with what each sends. */
export const FORMATS = [
  { value: 'generic', label: 'generic (signed JSON)' },
  { value: 'slack', label: 'Slack (text and blocks)' },
  { value: 'discord', label: 'Discord (embed)' },
  { value: 'teams', label: 'Microsoft Teams (Workflows)' },
  { value: 'ntfy', label: 'ntfy (text and headers)' },
];

/** The dashboard link of the host an event is about: its subnet's view with the drawer open; null for none. */
export function alertHostHref(event) {
  const host = event?.data?.host;
  if (!host) return null;
  const subnet = event.data.subnet;
  return subnet ? `#/subnets/${subnet.id}?host=${host.id}` : `#/?host=${host.id}`;
}

/** "1/2 delivered, 1 pending"; "not sent" for an event no endpoint wanted (or that was muted). */
export function deliveriesText({ total, delivered, pending }) {
  if (total === 0) return 'not sent';
  return `${delivered}/${total} delivered${pending ? `, ${pending} pending` : ''}`;
}

/** An attempt's answer: the status code, or "no answer" when there was none (refused, timed out). */
export function attemptStatus(statusCode) {
  return statusCode == null ? 'no answer' : String(statusCode);
}

/** A Send test answer in one line. */
export function testText({ delivered, statusCode, durationMs, error }) {
  const took = durationMs == null ? '' : ` in ${durationMs} ms`;
  if (delivered) return `Delivered: ${statusCode}${took}`;
  return `Not delivered: ${attemptStatus(statusCode)}${took}${error ? ` (${error})` : ''}`;
}

const ENDPOINT_FIELDS = { name: 'name', url: 'url', format: 'format', eventTypes: 'eventTypes', subnetIds: 'subnetIds', tags: 'tags', enabled: 'enabled' };

/** Which field of the endpoint form a refusal is about ('form' when none). */
export function endpointErrorField(err) {
  if (err?.code === 'url_not_allowed' || err?.code === 'url_unsuited') return 'url';
  if (err?.code === 'unknown_subnet') return 'subnetIds';
  const path = String(err?.details?.issues?.[0]?.path ?? '').split('.')[0];
  return ENDPOINT_FIELDS[path] ?? 'form';
}

/**
 * The create/PATCH body from the form's values; no subnet or tag picked means no filter (null).
 * @param {{ name: string, url: string, format: string, eventTypes: string[], subnetIds: (string | number)[], tags: string[], enabled: boolean }} v
 */
export function endpointBody(v) {
  return {
    name: v.name.trim(),
    url: v.url.trim(),
    format: v.format,
    eventTypes: v.eventTypes,
    subnetIds: v.subnetIds.length ? v.subnetIds.map(Number) : null,
    tags: v.tags.length ? v.tags : null,
    enabled: v.enabled,
  };
}
