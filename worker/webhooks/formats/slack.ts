/**
 * Slack incoming webhook: `text` (the notification and fallback) plus Block Kit `blocks` — a header, the summary
 * with a link to the host, the facts as section fields, and a context line with the time. Within Block Kit's
 * limits (header 150, section text 3000, ≤ 10 fields of ≤ 2000, context text 3000). Slack-compatible receivers
 * (Mattermost, Rocket.Chat) read `text` when they ignore blocks.
 */
import type { AlertEvent } from '../../../schema/alert-event.js';
import { factsOf, linkOf, titleOf, truncate, utcText } from './common.js';
import type { WebhookFormat } from './types.js';

export const SLACK_LIMITS = { header: 150, text: 3000, fields: 10, field: 2000 } as const;

/** Slack's mrkdwn control characters; escaping them also keeps `<!channel>` out of our text. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escaped, then cut to `max` without leaving half an entity before the "…". */
function mrkdwn(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  return escaped.length <= max ? escaped : truncate(escaped, max).replace(/&[a-z]{0,3}…$/, '…');
}

function linkText(url: string, label: string): string {
  return `<${url.replace(/&/g, '&amp;').replace(/\|/g, '%7C')}|${label}>`;
}

/** Slack shows `<!date^…>` in the reader's time zone; the fallback is UTC. */
function timeText(iso: string): string {
  const ms = Date.parse(iso);
  const fallback = escapeMrkdwn(utcText(iso));
  if (Number.isNaN(ms)) return fallback;
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${fallback}>`;
}

export function slackMessage(event: AlertEvent) {
  const link = linkOf(event);
  const summary = mrkdwn(event.data.summary || titleOf(event), SLACK_LIMITS.text - 60);
  const facts = factsOf(event).slice(0, SLACK_LIMITS.fields);
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(titleOf(event), SLACK_LIMITS.header), emoji: true } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: link ? `${summary}\n${linkText(link, 'Open in edge-ipam')}` : summary },
    },
  ];
  if (facts.length > 0) {
    blocks.push({
      type: 'section',
      fields: facts.map((f) => ({
        type: 'mrkdwn',
        text: `*${mrkdwn(f.name, 200)}*\n${mrkdwn(f.value, SLACK_LIMITS.field - 210)}`,
      })),
    });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${timeText(event.timestamp)} · edge-ipam` }] });
  return { text: mrkdwn(event.data.summary || titleOf(event), SLACK_LIMITS.text), blocks };
}

export const slack: WebhookFormat = {
  name: 'slack',
  label: 'Slack (incoming webhook)',
  checkUrl: () => null, // Slack-compatible receivers (Mattermost, Rocket.Chat) live at any address
  render: (event) => ({
    body: JSON.stringify(slackMessage(event)),
    headers: { 'content-type': 'application/json' },
  }),
};
