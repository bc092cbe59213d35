import { describe, expect, it } from 'vitest';
import { SseParser, sseComment, sseMessage } from './sse.js';

describe('sseMessage', () => {
  it.each([
    ['hosts', { subnetIds: [1], changes: [] }, 'event: hosts\ndata: {"subnetIds":[1],"changes":[]}\n\n'],
    ['subnets', {}, 'event: subnets\ndata: {}\n\n'],
    ['note', 'two\nlines', 'event: note\ndata: two\ndata: lines\n\n'],
    ['note', 'crlf\r\nline', 'event: note\ndata: crlf\ndata: line\n\n'],
    ['note', '', 'event: note\ndata: \n\n'],
  ])('%s %j', (event, data, wire) => {
    expect(sseMessage(event, data)).toBe(wire);
  });

  it('refuses an event name with a line break', () => {
    expect(() => sseMessage('a\nb', {})).toThrow();
  });
});

describe('sseComment', () => {
  it.each([
    ['keep-alive', ': keep-alive\n\n'],
    ['a\nb', ': a\n: b\n\n'],
  ])('%j', (text, wire) => expect(sseComment(text)).toBe(wire));
});

describe('SseParser', () => {
  it.each<[string, string[], { event: string; data: string }[]]>([
    ['one message in one chunk', ['event: job\ndata: {"a":1}\n\n'], [{ event: 'job', data: '{"a":1}' }]],
    ['split anywhere', ['ev', 'ent: job\nda', 'ta: 1\n', '\n'], [{ event: 'job', data: '1' }]],
    ['comments are skipped', [': keep-alive\n\n', 'event: x\ndata: y\n\n'], [{ event: 'x', data: 'y' }]],
    ['multi-line data joins with \\n', ['data: a\ndata: b\n\n'], [{ event: 'message', data: 'a\nb' }]],
    ['CRLF and CR line ends', ['event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r', '\r\n'], [{ event: 'a', data: '1' }, { event: 'b', data: '2' }]],
    ['CRLF split between chunks', ['event: a\r', '\ndata: 1\r', '\n\r\n'], [{ event: 'a', data: '1' }]],
    ['no space after the colon', ['event:a\ndata:1\n\n'], [{ event: 'a', data: '1' }]],
    ['a frame without data is dropped', ['event: a\n\n'], []],
    ['unfinished frame waits', ['event: a\ndata: 1\n'], []],
  ])('%s', (_name, chunks, frames) => {
    const p = new SseParser();
    expect(chunks.flatMap((c) => p.push(c))).toEqual(frames);
  });

  it('reads back what sseMessage writes', () => {
    const p = new SseParser();
    const data = { subnetIds: [3], changes: [{ ip: '198.18.0.1', from: 'unknown', to: 'up' }] };
    const frames = p.push(sseComment('keep-alive') + sseMessage('hosts', data) + sseMessage('subnets', {}));
    expect(frames.map((f) => [f.event, JSON.parse(f.data)])).toEqual([
      ['hosts', data],
      ['subnets', {}],
    ]);
  });
});
