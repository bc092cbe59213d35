/**
 * The documented AlertEvent itself as JSON (docs/WEBHOOKS.md), for receivers that verify the signature and read
 * the fields. Parsed through the schema first, so only documented keys leave, in the schema's order.
 */
import { alertEvent } from '../../../schema/alert-event.js';
import type { WebhookFormat } from './types.js';

export const generic: WebhookFormat = {
  name: 'generic',
  label: 'JSON (Standard Webhooks)',
  checkUrl: () => null,
  render: (event) => ({
    body: JSON.stringify(alertEvent.parse(event)),
    headers: { 'content-type': 'application/json' },
  }),
};
