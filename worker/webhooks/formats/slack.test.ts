import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { escapeMrkdwn, slack } from './slack.js';
import { TEST_EVENTS } from './test-events.js';

// Slack's incoming-webhook message (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks)
// with the Block Kit blocks used here and their documented limits.
const plain = (max: number) =>
  z.strictObject({ type: z.literal('plain_text'), text: z.string().min(1).max(max), emoji: z.boolean().optional() });
const mrkdwn = (max: number) => z.strictObject({ type: z.literal('mrkdwn'), text: z.string().min(1).max(max) });
const header = z.strictObject({ type: z.literal('header'), text: plain(150) });
const section = z
  .strictObject({
    type: z.literal('section'),
    text: mrkdwn(3000).optional(),
    fields: z.array(mrkdwn(2000)).min(1).max(10).optional(),
  })
  .refine((s) => s.text !== undefined || s.fields !== undefined, 'a section needs text or fields');
const context = z.strictObject({ type: z.literal('context'), elements: z.array(mrkdwn(3000)).min(1).max(10) });
const slackMessage = z.strictObject({
  text: z.string().min(1).max(40_000),
  blocks: z.array(z.union([header, section, context])).min(1).max(50),
});
type SlackMessage = z.infer<typeof slackMessage>;

function render(name: string): SlackMessage {
  const { body, headers } = slack.render(TEST_EVENTS[name]!);
  expect(headers).toEqual({ 'content-type': 'application/json' });
  return slackMessage.parse(JSON.parse(body));
}

/** Every mrkdwn text in the message. */
function mrkdwnTexts(m: SlackMessage): string[] {
  return m.blocks.flatMap((b) => {
    if (b.type === 'section') return [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)];
    if (b.type === 'context') return b.elements.map((e) => e.text);
    return [];
  });
}

describe('slack', () => {
  it.each(Object.keys(TEST_EVENTS))('%s: a documented incoming-webhook message', (name) => {
    const m = render(name);
    expect(m.blocks[0]).toMatchObject({ type: 'header' });
    expect(m.blocks.at(-1)).toMatchObject({ type: 'context' });
  });

  it('host.down: header, summary with the link, fields, the time', () => {
    const m = render('host.down with a link');
    expect(m.text).toBe('nas (198.18.0.10) in Lab is down: no answer to 2 sweeps');
    expect(m.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Host down: nas (198.18.0.10)', emoji: true } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: 'nas (198.18.0.10) in Lab is down: no answer to 2 sweeps\n<https://ipam.example/#/?host=10|Open in edge-ipam>',
        },
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*Host*\nnas (198.18.0.10)' },
          { type: 'mrkdwn', text: '*Subnet*\nLab (198.18.0.0/24)' },
          { type: 'mrkdwn', text: '*Probe*\nprobe-rack-1' },
          { type: 'mrkdwn', text: '*State*\nup → down' },
          { type: 'mrkdwn', text: '*Tags*\nstorage, homelab' },
        ],
      },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: '<!date^1768478400^{date_short_pretty} {time_secs}|2026-01-15 12:00:00 UTC> · edge-ipam' },
        ],
      },
    ]);
  });

  it('without a link, no link', () => {
    expect(JSON.stringify(render('host.down without a link, a reminder'))).not.toContain('Open in edge-ipam');
    expect(render('host.down without a link, a reminder').blocks[0]).toMatchObject({ text: { text: 'Host still down: 198.18.0.11' } });
  });

  it('port.opened lists the three services', () => {
    const fields = mrkdwnTexts(render('port.opened with 3 services'));
    expect(fields).toContain('*Ports (3)*\n22/tcp ssh (OpenSSH 9.6), 80/tcp http, 53/udp');
  });

  it('subnet.degraded names 20 of the 40 hosts', () => {
    const hosts = mrkdwnTexts(render('subnet.degraded with 40 hosts')).find((t) => t.startsWith('*Hosts (40)*'));
    expect(hosts).toMatch(/and 20 more$/);
  });

  it('escapes what Slack would read as a mention or a link', () => {
    const m = render('hostile text');
    for (const text of [m.text, ...mrkdwnTexts(m)]) {
      expect(text).not.toMatch(/<!channel>|<!here>|<@U123>|<https:\/\/evil/);
    }
    expect(m.text).toBe('&lt;!channel&gt; @everyone &amp; &lt;@U123&gt; &lt;https://evil.example|click me&gt; is down');
  });

  it('keeps the link well-formed when the URL has & or |', () => {
    const section = render('non-ASCII names').blocks[1] as { text: { text: string } };
    expect(section.text.text).toMatch(/<https:\/\/ipam\.example\/#\/\?host=13&amp;x=%C3%A9%7Cy\|Open in edge-ipam>$/);
  });

  it('cuts oversized texts to the limits without half an entity', () => {
    const m = render('oversized');
    expect((m.blocks[0] as { text: { text: string } }).text.text.length).toBeLessThanOrEqual(150);
    for (const text of mrkdwnTexts(m)) expect(text).not.toMatch(/&[a-z]{0,3}…/);
    expect(escapeMrkdwn('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });

  it('falls back to the title when the summary is empty', () => {
    expect(render('empty summary').text).toBe('Ports closed: nas (198.18.0.10)');
  });

  it.each(['https://hooks.slack.com/services/T0/B0/x', 'https://chat.example.org/hooks/abc'])('suits %s', (url) => {
    expect(slack.checkUrl(new URL(url))).toBeNull();
  });
});
