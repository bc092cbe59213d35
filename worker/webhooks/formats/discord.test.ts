import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DISCORD_COLORS, discord } from './discord.js';
import { TEST_EVENTS, testHost } from './test-events.js';

// Discord's Execute Webhook body (https://discord.com/developers/docs/resources/webhook#execute-webhook) and
// the embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
const field = z.strictObject({
  name: z.string().min(1).max(256),
  value: z.string().min(1).max(1024),
  inline: z.boolean().optional(),
});
const embed = z
  .strictObject({
    title: z.string().max(256).optional(),
    description: z.string().max(4096).optional(),
    url: z.url({ protocol: /^https?$/ }).optional(),
    timestamp: z.iso.datetime().optional(),
    color: z.number().int().min(0).max(0xffffff).optional(),
    footer: z.strictObject({ text: z.string().min(1).max(2048) }).optional(),
    fields: z.array(field).max(25).optional(),
  })
  .refine((e) => {
    const fields = (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
    return (e.title?.length ?? 0) + (e.description?.length ?? 0) + fields + (e.footer?.text.length ?? 0) <= 6000;
  }, 'an embed holds at most 6000 characters');
const discordMessage = z
  .strictObject({
    content: z.string().max(2000).optional(),
    embeds: z.array(embed).max(10).optional(),
    allowed_mentions: z.strictObject({ parse: z.array(z.enum(['roles', 'users', 'everyone'])) }).optional(),
  })
  .refine((m) => Boolean(m.content) || Boolean(m.embeds?.length), 'content or an embed');
type DiscordMessage = z.infer<typeof discordMessage>;

function render(name: string): DiscordMessage {
  const { body, headers } = discord.render(TEST_EVENTS[name]!);
  expect(headers).toEqual({ 'content-type': 'application/json' });
  return discordMessage.parse(JSON.parse(body));
}
const embedOf = (name: string) => render(name).embeds![0]!;

describe('discord', () => {
  it.each(Object.keys(TEST_EVENTS))('%s: a documented Execute Webhook body, mentions off', (name) => {
    const m = render(name);
    expect(m.embeds).toHaveLength(1);
    expect(m.allowed_mentions).toEqual({ parse: [] });
  });

  it('host.down: title, summary, fields, red, the time and the link', () => {
    expect(render('host.down with a link')).toEqual({
      content: 'Host down: nas (198.18.0.10)',
      allowed_mentions: { parse: [] },
      embeds: [
        {
          title: 'Host down: nas (198.18.0.10)',
          description: 'nas (198.18.0.10) in Lab is down: no answer to 2 sweeps',
          color: DISCORD_COLORS.bad,
          fields: [
            { name: 'Host', value: 'nas (198.18.0.10)', inline: true },
            { name: 'Subnet', value: 'Lab (198.18.0.0/24)', inline: true },
            { name: 'Probe', value: 'probe-rack-1', inline: true },
            { name: 'State', value: 'up → down', inline: true },
            { name: 'Tags', value: 'storage, homelab', inline: true },
          ],
          timestamp: '2026-01-15T12:00:00.000Z',
          url: 'https://ipam.example/#/?host=10',
          footer: { text: 'edge-ipam' },
        },
      ],
    });
  });

  it.each([
    ['host.down with a link', 0xed4245],
    ['probe.offline', 0xed4245],
    ['subnet.degraded with 40 hosts', 0xed4245],
    ['empty summary', 0xed4245], // port.closed
    ['host.up', 0x57f287],
    ['probe.online', 0x57f287],
    ['port.opened with 3 services', 0x57f287],
    ['service.changed', 0x3498db],
    ['test', 0x3498db],
  ])('%s is coloured %i', (name, color) => {
    expect(embedOf(name).color).toBe(color);
  });

  it('without a link, no url', () => {
    expect(embedOf('host.down without a link, a reminder')).not.toHaveProperty('url');
  });

  it('port.opened lists the three services', () => {
    expect(embedOf('port.opened with 3 services').fields).toContainEqual({
      name: 'Ports (3)',
      value: '22/tcp ssh (OpenSSH 9.6), 80/tcp http, 53/udp',
      inline: false,
    });
  });

  it('subnet.degraded names 20 of the 40 hosts', () => {
    const hosts = embedOf('subnet.degraded with 40 hosts').fields!.find((f) => f.name === 'Hosts (40)');
    expect(hosts?.value).toMatch(/and 20 more$/);
  });

  it('cuts an oversized event to the limits, the 6000 total included', () => {
    const m = render('oversized');
    const e = m.embeds![0]!;
    expect(e.title!.length).toBeLessThanOrEqual(256);
    expect(e.description!.endsWith('…')).toBe(true);
    for (const f of e.fields!) expect(f.value.length).toBeLessThanOrEqual(1024);
  });

  it('shares the 6000 characters out when every text is at its own limit', () => {
    const base = TEST_EVENTS['port.opened with 3 services']!;
    const long = (c: string, n: number) => c.repeat(n);
    const event = {
      ...base,
      data: {
        ...base.data,
        summary: long('s', 5000),
        host: testHost(1, { hostname: long('h', 250), tags: Array.from({ length: 30 }, () => long('t', 60)) }),
        subnet: { id: 1, cidr: '198.18.0.0/24', name: long('n', 2000) },
        services: Array.from({ length: 30 }, (_, i) => ({ port: i, protocol: 'tcp' as const, service: long('p', 80) })),
        hosts: Array.from({ length: 30 }, (_, i) => testHost(i, { hostname: long('x', 200) })),
      },
    };
    const e = discordMessage.parse(JSON.parse(discord.render(event).body)).embeds![0]!;
    const total = e.title!.length + e.description!.length + e.footer!.text.length + e.fields!.reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(6000);
    expect(total).toBeGreaterThan(5900); // cut to fit, not emptied
    expect(e.description!.length).toBeLessThan(4096);
  });

  it('leaves the description out when the summary is empty', () => {
    expect(embedOf('empty summary')).not.toHaveProperty('description');
  });

  it.each([
    ['https://discord.com/api/webhooks/123/abc-DEF_x', null],
    ['https://discord.com/api/v10/webhooks/123/abc', null],
    ['https://discordapp.com/api/webhooks/123/abc/', null],
    ['https://canary.discord.com/api/webhooks/123/abc', null],
    ['https://relay.example/discord/123', null], // a relay or a compatible server
    ['http://discord.com/api/webhooks/123/abc', 'a Discord webhook URL looks like https://discord.com/api/webhooks/<id>/<token>'],
    ['https://discord.com/channels/1/2', 'a Discord webhook URL looks like https://discord.com/api/webhooks/<id>/<token>'],
    ['https://discord.com/api/webhooks/123', 'a Discord webhook URL looks like https://discord.com/api/webhooks/<id>/<token>'],
  ])('checkUrl %s → %j', (url, expected) => {
    expect(discord.checkUrl(new URL(url))).toBe(expected);
  });
});
