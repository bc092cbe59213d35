import { describe, expect, it } from 'vitest';
import { escapeHelp, escapeLabelValue, formatValue, labelText, parseLabelText, renderFamilies, renderFamily, type MetricFamily } from './exposition.js';

describe('label values', () => {
  it.each([
    ['plain', 'plain'],
    ['back\\slash', 'back\\\\slash'],
    ['say "hi"', 'say \\"hi\\"'],
    ['two\nlines', 'two\\nlines'],
    ['\\"\n', '\\\\\\"\\n'],
    ['tab\tstays', 'tab\tstays'],
    ['ünïcode ✓', 'ünïcode ✓'],
    ['', ''],
  ])('%j → %j', (raw, escaped) => expect(escapeLabelValue(raw)).toBe(escaped));
});

describe('help text', () => {
  it.each([
    ['Hosts "up"', 'Hosts "up"'],
    ['a\\b', 'a\\\\b'],
    ['x\ny', 'x\\ny'],
  ])('%j → %j', (raw, escaped) => expect(escapeHelp(raw)).toBe(escaped));
});

describe('label sets', () => {
  it.each([
    [{}, ''],
    [{ a: '1' }, '{a="1"}'],
    [{ subnet: '198.18.0.0/24', ip: '198.18.0.7', hostname: 'nas "1"' }, '{subnet="198.18.0.0/24",ip="198.18.0.7",hostname="nas \\"1\\""}'],
  ])('%j → %s', (labels, text) => expect(labelText(labels)).toBe(text));

  it.each(['1a', 'a-b', '__reserved', ''])('refuses the label name %j', (name) => expect(() => labelText({ [name]: 'x' })).toThrow('invalid label name'));
});

describe('values', () => {
  it.each([
    [0, '0'],
    [1, '1'],
    [-3, '-3'],
    [0.0042, '0.0042'],
    [1.5e-7, '1.5e-7'],
    [1764700000, '1764700000'],
    [18446744073709552000, '18446744073709552000'],
    [1e21, '1e+21'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ])('%s → %s', (v, text) => expect(formatValue(v)).toBe(text));
});

describe('families', () => {
  const up: MetricFamily = {
    name: 'edge_ipam_host_up',
    type: 'gauge',
    help: 'Whether the host answered its last sweep (1) or not (0).',
    samples: [
      { labels: { subnet: '198.18.0.0/24', ip: '198.18.0.1', hostname: '' }, value: 1 },
      { labels: { subnet: '198.18.0.0/24', ip: '198.18.0.2', hostname: 'b' }, value: 0 },
    ],
  };
  const batches: MetricFamily = { name: 'edge_ipam_ingest_batches_total', type: 'counter', help: 'Result batches stored.', samples: [{ labels: {}, value: 12 }] };

  it.each<[string, MetricFamily[], string]>([
    ['nothing', [], ''],
    ['a family without samples is left out', [{ ...batches, samples: [] }], ''],
    ['a counter without labels', [batches], '# HELP edge_ipam_ingest_batches_total Result batches stored.\n# TYPE edge_ipam_ingest_batches_total counter\nedge_ipam_ingest_batches_total 12\n'],
    [
      'two families in order',
      [up, batches],
      [
        '# HELP edge_ipam_host_up Whether the host answered its last sweep (1) or not (0).',
        '# TYPE edge_ipam_host_up gauge',
        'edge_ipam_host_up{subnet="198.18.0.0/24",ip="198.18.0.1",hostname=""} 1',
        'edge_ipam_host_up{subnet="198.18.0.0/24",ip="198.18.0.2",hostname="b"} 0',
        '# HELP edge_ipam_ingest_batches_total Result batches stored.',
        '# TYPE edge_ipam_ingest_batches_total counter',
        'edge_ipam_ingest_batches_total 12',
        '',
      ].join('\n'),
    ],
  ])('%s', (_name, families, text) => expect(renderFamilies(families)).toBe(text));

  it('refuses a bad metric name', () => expect(() => renderFamily({ ...batches, name: 'edge-ipam' })).toThrow('invalid metric name'));
});

describe('stored label sets', () => {
  it.each<[Record<string, string>]>([[{}], [{ probe: '3' }], [{ probe: '3', outcome: 'ok' }], [{ a: 'say "x"\\\n', b: '' }], [{ a: ',b="1"' }]])('%j survives labelText and back', (labels) =>
    expect(parseLabelText(labelText(labels).slice(1, -1))).toEqual(labels),
  );
  it.each(['probe=3', 'probe="3"x', '"a"', 'a="1",,b="2"'])('refuses %j', (text) => expect(() => parseLabelText(text)).toThrow('unreadable label set'));
});
