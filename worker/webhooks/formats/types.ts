/** What every webhook format (generic JSON, Slack, Discord, Teams, ntfy) offers: one module each, one interface. */
import type { AlertEvent } from '../../../schema/alert-event.js';

export const WEBHOOK_FORMAT_NAMES = ['generic', 'slack', 'discord', 'teams', 'ntfy'] as const;
export type WebhookFormatName = (typeof WEBHOOK_FORMAT_NAMES)[number];

/** The request body and its headers (content-type included); the sender adds the signature headers. */
export interface RenderedRequest {
  body: string;
  headers: Record<string, string>;
}

export interface WebhookFormat {
  name: WebhookFormatName;
  /** For people: the format's name in the UI. */
  label: string;
  /** Why this URL does not suit the format, or null. */
  checkUrl(url: URL): string | null;
  render(event: AlertEvent): RenderedRequest;
}
