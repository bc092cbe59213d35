/**
 * Microsoft Teams through a Workflows (Power Automate) webhook, "Post to a channel when a webhook request is
 * received": a `message` with one Adaptive Card 1.4 attachment — title, summary, the facts as a FactSet and a
 * button to the host. Never the retired Office 365 connector `{"text": …}` form, whose URLs are refused here.
 * Texts are bounded so the message stays far below Teams' ~28 KB limit.
 */
import type { AlertEvent } from '../../../schema/alert-event.js';
import { EVENT_TONES, factsOf, linkOf, titleOf, truncate, utcText, type Tone } from './common.js';
import type { WebhookFormat } from './types.js';

export const TEAMS_LIMITS = { title: 200, summary: 2000, factValue: 1000 } as const;
const TITLE_COLORS: Record<Tone, string> = { bad: 'Attention', good: 'Good', info: 'Accent' };

function isRetiredConnector(url: URL): boolean {
  const host = url.hostname;
  if (host === 'webhook.office.com' || host.endsWith('.webhook.office.com')) return true;
  return (host === 'outlook.office.com' || host === 'outlook.office365.com') && url.pathname.startsWith('/webhook');
}

export function teamsMessage(event: AlertEvent) {
  const link = linkOf(event);
  const facts = [...factsOf(event), { name: 'Time', value: utcText(event.timestamp) }];
  const body: Record<string, unknown>[] = [
    {
      type: 'TextBlock',
      text: truncate(titleOf(event), TEAMS_LIMITS.title),
      weight: 'Bolder',
      size: 'Medium',
      color: TITLE_COLORS[EVENT_TONES[event.type]],
      wrap: true,
    },
  ];
  if (event.data.summary) body.push({ type: 'TextBlock', text: truncate(event.data.summary, TEAMS_LIMITS.summary), wrap: true });
  body.push({
    type: 'FactSet',
    facts: facts.map((f) => ({ title: f.name, value: truncate(f.value, TEAMS_LIMITS.factValue) })),
  });
  const content: Record<string, unknown> = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
  };
  if (link) content.actions = [{ type: 'Action.OpenUrl', title: 'Open in edge-ipam', url: link }];
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }],
  };
}

export const teams: WebhookFormat = {
  name: 'teams',
  label: 'Microsoft Teams (Workflows)',
  checkUrl: (url) =>
    isRetiredConnector(url)
      ? 'this is a retired Office 365 connector URL: in Teams, add the Workflows template "Post to a channel when a webhook request is received" and use its URL'
      : null,
  render: (event) => ({
    body: JSON.stringify(teamsMessage(event)),
    headers: { 'content-type': 'application/json' },
  }),
};
