/**
 * ntfy publish (POST to the topic URL): the body is the message as plain text (the summary, then the facts, one
 * per line, within ntfy's 4,096-byte message limit), the rest travels in headers — X-Title, X-Priority, X-Tags
 * (emoji shortcodes and the event type), X-Click (the host's page). The X- names are the ones ntfy reads first;
 * a bare `Priority` can collide with RFC 9218's header, which ntfy ignores when a proxy sets it. Header values
 * are printable ASCII: anything else is sent as RFC 2047 encoded words, which ntfy decodes.
 */
import type { AlertEvent, AlertEventType } from '../../../schema/alert-event.js';
import { factsOf, linkOf, titleOf, truncate } from './common.js';
import type { WebhookFormat } from './types.js';

export const NTFY_MESSAGE_LIMIT_BYTES = 4096;
const TITLE_LIMIT = 250;
/** The UTF-8 bytes per encoded word, so that each word stays within RFC 2047's 75 characters. */
const WORD_BYTES = 45;

export const NTFY_PRIORITIES: Record<AlertEventType, 'high' | 'default' | 'low'> = {
  'host.down': 'high',
  'probe.offline': 'high',
  'subnet.degraded': 'high',
  'host.up': 'default',
  'probe.online': 'default',
  'subnet.recovered': 'default',
  'port.opened': 'default',
  'port.closed': 'default',
  'service.changed': 'default',
  'mac.changed': 'default',
  'talker.unregistered': 'default',
  test: 'low',
};

/** ntfy shows these shortcodes as emoji in front of the title. */
export const NTFY_EMOJI: Record<AlertEventType, string> = {
  'host.down': 'rotating_light',
  'probe.offline': 'electric_plug',
  'subnet.degraded': 'rotating_light',
  'host.up': 'white_check_mark',
  'probe.online': 'white_check_mark',
  'subnet.recovered': 'white_check_mark',
  'port.opened': 'unlock',
  'port.closed': 'lock',
  'service.changed': 'arrows_counterclockwise',
  'mac.changed': 'label',
  'talker.unregistered': 'grey_question',
  test: 'test_tube',
};

const encoder = new TextEncoder();

function encodedWord(text: string): string {
  let binary = '';
  for (const byte of encoder.encode(text)) binary += String.fromCharCode(byte);
  return `=?UTF-8?B?${btoa(binary)}?=`;
}

/** One line of printable ASCII: as is, or RFC 2047 B-encoded words split on character boundaries. */
export function headerValue(text: string): string {
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  if (/^[\x20-\x7e]*$/.test(line) && !line.includes('=?')) return line;
  const words: string[] = [];
  let chunk = '';
  for (const char of line) {
    if (encoder.encode(chunk + char).length > WORD_BYTES) {
      words.push(encodedWord(chunk));
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(encodedWord(chunk));
  return words.join(' ');
}

/** `text` cut on a character boundary to at most `maxBytes` of UTF-8, ending in "…" when cut. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (encoder.encode(text).length <= maxBytes) return text;
  let out = '';
  let bytes = 3; // the "…"
  for (const char of text) {
    const size = encoder.encode(char).length;
    if (bytes + size > maxBytes) break;
    out += char;
    bytes += size;
  }
  return out + '…';
}

export function ntfyMessage(event: AlertEvent): { body: string; headers: Record<string, string> } {
  const lines = [event.data.summary || titleOf(event), '', ...factsOf(event).map((f) => `${f.name}: ${f.value}`)];
  const headers: Record<string, string> = {
    'content-type': 'text/plain; charset=utf-8',
    'X-Title': headerValue(truncate(titleOf(event), TITLE_LIMIT)),
    'X-Priority': NTFY_PRIORITIES[event.type],
    'X-Tags': `${NTFY_EMOJI[event.type]},${event.type}`,
  };
  const link = linkOf(event);
  if (link) headers['X-Click'] = link;
  return { body: truncateUtf8(lines.join('\n').trim(), NTFY_MESSAGE_LIMIT_BYTES), headers };
}

export const ntfy: WebhookFormat = {
  name: 'ntfy',
  label: 'ntfy',
  checkUrl(url) {
    const segments = url.pathname.split('/').filter(Boolean);
    if (segments.length === 0) return 'an ntfy URL names the topic, e.g. https://ntfy.sh/mytopic';
    const last = segments[segments.length - 1]!;
    if (['json', 'sse', 'raw', 'ws'].includes(last)) return `…/${last} is where ntfy is read; publish to the topic itself`;
    return null;
  },
  render: ntfyMessage,
};
