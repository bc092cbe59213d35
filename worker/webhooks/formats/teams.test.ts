import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { teams } from './teams.js';
import { TEST_EVENTS } from './test-events.js';

// A Workflows webhook ("Post to a channel when a webhook request is received") takes a `message` whose one
// attachment is an Adaptive Card (https://adaptivecards.io/explorer; Teams renders up to 1.5). Strict objects:
// nothing outside the card schema, and never the retired connector's top-level `text`.
const textBlock = z.strictObject({
  type: z.literal('TextBlock'),
  text: z.string().min(1),
  weight: z.enum(['Lighter', 'Default', 'Bolder']).optional(),
  size: z.enum(['Small', 'Default', 'Medium', 'Large', 'ExtraLarge']).optional(),
  color: z.enum(['Default', 'Dark', 'Light', 'Accent', 'Good', 'Warning', 'Attention']).optional(),
  wrap: z.boolean().optional(),
});
const factSet = z.strictObject({
  type: z.literal('FactSet'),
  facts: z.array(z.strictObject({ title: z.string().min(1), value: z.string().min(1) })).min(1),
});
const openUrl = z.strictObject({ type: z.literal('Action.OpenUrl'), title: z.string().optional(), url: z.url() });
const card = z.strictObject({
  $schema: z.literal('http://adaptivecards.io/schemas/adaptive-card.json'),
  type: z.literal('AdaptiveCard'),
  version: z.literal('1.4'),
  body: z.array(z.union([textBlock, factSet])).min(1),
  actions: z.array(openUrl).min(1).optional(),
});
const teamsMessage = z.strictObject({
  type: z.literal('message'),
  attachments: z
    .array(z.strictObject({ contentType: z.literal('application/vnd.microsoft.card.adaptive'), contentUrl: z.null(), content: card }))
    .length(1),
});
type TeamsMessage = z.infer<typeof teamsMessage>;

function render(name: string): TeamsMessage {
  const { body, headers } = teams.render(TEST_EVENTS[name]!);
  expect(headers).toEqual({ 'content-type': 'application/json' });
  expect(new TextEncoder().encode(body).length).toBeLessThan(28 * 1024); // Teams' message size limit
  return teamsMessage.parse(JSON.parse(body));
}
const cardOf = (name: string) => render(name).attachments[0]!.content;
const factsOf = (name: string) =>
  cardOf(name).body.flatMap((b) => (b.type === 'FactSet' ? b.facts : []));

describe('teams', () => {
  it.each(Object.keys(TEST_EVENTS))('%s: a Workflows message with one Adaptive Card', (name) => {
    const c = cardOf(name);
    expect(c.body[0]).toMatchObject({ type: 'TextBlock', weight: 'Bolder', size: 'Medium', wrap: true });
    expect(c.body.at(-1)).toMatchObject({ type: 'FactSet' });
  });

  it('host.down: title, summary, facts with the time, a button to the host', () => {
    expect(cardOf('host.down with a link')).toEqual({
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      type: 'AdaptiveCard',
      version: '1.4',
      body: [
        { type: 'TextBlock', text: 'Host down: nas (198.18.0.10)', weight: 'Bolder', size: 'Medium', color: 'Attention', wrap: true },
        { type: 'TextBlock', text: 'nas (198.18.0.10) in Lab is down: no answer to 2 sweeps', wrap: true },
        {
          type: 'FactSet',
          facts: [
            { title: 'Host', value: 'nas (198.18.0.10)' },
            { title: 'Subnet', value: 'Lab (198.18.0.0/24)' },
            { title: 'Probe', value: 'probe-rack-1' },
            { title: 'State', value: 'up → down' },
            { title: 'Tags', value: 'storage, homelab' },
            { title: 'Time', value: '2026-01-15 12:00:00 UTC' },
          ],
        },
      ],
      actions: [{ type: 'Action.OpenUrl', title: 'Open in edge-ipam', url: 'https://ipam.example/#/?host=10' }],
    });
  });

  it.each([
    ['host.down with a link', 'Attention'],
    ['host.up', 'Good'],
    ['test', 'Accent'],
  ])('%s: the title is coloured %s', (name, color) => {
    expect(cardOf(name).body[0]).toMatchObject({ color });
  });

  it('without a link, no actions', () => {
    expect(cardOf('host.down without a link, a reminder')).not.toHaveProperty('actions');
  });

  it('port.opened lists the three services; subnet.degraded names 20 of 40 hosts', () => {
    expect(factsOf('port.opened with 3 services')).toContainEqual({ title: 'Ports (3)', value: '22/tcp ssh (OpenSSH 9.6), 80/tcp http, 53/udp' });
    expect(factsOf('subnet.degraded with 40 hosts').find((f) => f.title === 'Hosts (40)')?.value).toMatch(/and 20 more$/);
  });

  it('bounds an oversized event', () => {
    const c = cardOf('oversized');
    for (const block of c.body) {
      if (block.type === 'TextBlock') expect(block.text.length).toBeLessThanOrEqual(2000);
      else for (const f of block.facts) expect(f.value.length).toBeLessThanOrEqual(1000);
    }
  });

  it('leaves out the summary block when the summary is empty', () => {
    expect(cardOf('empty summary').body.map((b) => b.type)).toEqual(['TextBlock', 'FactSet']);
  });

  const retired =
    'this is a retired Office 365 connector URL: in Teams, add the Workflows template "Post to a channel when a webhook request is received" and use its URL';
  it.each([
    ['https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01', null],
    ['https://default1234.56.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/abc', null],
    ['https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456', retired],
    ['https://outlook.office.com/webhook/abc/IncomingWebhook/def', retired],
    ['https://outlook.office365.com/webhook/abc', retired],
    ['https://outlook.office.com/mail/', null],
  ])('checkUrl %s → %j', (url, expected) => {
    expect(teams.checkUrl(new URL(url))).toBe(expected);
  });
});
