/**
 * Discord "Execute Webhook": `content` (the notification line) and one embed with the summary, the facts as
 * fields, a colour per tone, the event time and a link to the host. Within Discord's documented limits (content
 * 2000; embed title 256, description 4096, ≤ 25 fields with name 256 and value 1024, all text ≤ 6000), and with
 * mentions disabled so no hostname can ping @everyone.
 */
import type { AlertEvent } from '../../../schema/alert-event.js';
import { EVENT_TONES, factsOf, linkOf, titleOf, truncate, type Tone } from './common.js';
import type { WebhookFormat } from './types.js';

export const DISCORD_LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  total: 6000,
} as const;

export const DISCORD_COLORS: Record<Tone, number> = { bad: 0xed4245, good: 0x57f287, info: 0x3498db };
const FOOTER = 'edge-ipam';
const DISCORD_HOSTS = new Set(['discord.com', 'discordapp.com', 'ptb.discord.com', 'canary.discord.com']);

interface Field {
  name: string;
  value: string;
  inline: boolean;
}

interface Embed {
  title: string;
  description?: string;
  color: number;
  fields: Field[];
  timestamp?: string;
  url?: string;
  footer: { text: string };
}

export function embedLength(e: Embed): number {
  const fields = e.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  return e.title.length + (e.description?.length ?? 0) + fields + e.footer.text.length;
}

/** Cut the longest texts until the embed fits the 6000-character budget. */
function fitTotal(embed: Embed): void {
  for (let excess = embedLength(embed) - DISCORD_LIMITS.total; excess > 0; excess = embedLength(embed) - DISCORD_LIMITS.total) {
    const longest = embed.fields.reduce<Field | null>((a, f) => (a && a.value.length >= f.value.length ? a : f), null);
    const descriptionLength = embed.description?.length ?? 0;
    if (embed.description && descriptionLength >= (longest?.value.length ?? 0)) {
      embed.description = truncate(embed.description, Math.max(2, descriptionLength - excess));
    } else if (longest && longest.value.length > 2) {
      longest.value = truncate(longest.value, Math.max(2, longest.value.length - excess));
    } else break;
  }
}

export function discordMessage(event: AlertEvent) {
  const title = titleOf(event);
  const ms = Date.parse(event.timestamp);
  const link = linkOf(event);
  const embed: Embed = {
    title: truncate(title, DISCORD_LIMITS.title),
    color: DISCORD_COLORS[EVENT_TONES[event.type]],
    fields: factsOf(event)
      .slice(0, DISCORD_LIMITS.fields)
      .map((f) => ({
        name: truncate(f.name, DISCORD_LIMITS.fieldName),
        value: truncate(f.value, DISCORD_LIMITS.fieldValue) || '—',
        inline: f.value.length <= 40,
      })),
    footer: { text: FOOTER },
  };
  if (event.data.summary) embed.description = truncate(event.data.summary, DISCORD_LIMITS.description);
  if (!Number.isNaN(ms)) embed.timestamp = new Date(ms).toISOString();
  if (link) embed.url = link;
  fitTotal(embed);
  return { content: truncate(title, DISCORD_LIMITS.content), embeds: [embed], allowed_mentions: { parse: [] } };
}

export const discord: WebhookFormat = {
  name: 'discord',
  label: 'Discord',
  checkUrl(url) {
    if (!DISCORD_HOSTS.has(url.hostname)) return null; // a relay or a Discord-compatible server
    if (url.protocol !== 'https:' || !/^\/api\/(v\d+\/)?webhooks\/\d+\/[^/]+\/?$/.test(url.pathname)) {
      return 'a Discord webhook URL looks like https://discord.com/api/webhooks/<id>/<token>';
    }
    return null;
  },
  render: (event) => ({
    body: JSON.stringify(discordMessage(event)),
    headers: { 'content-type': 'application/json' },
  }),
};
