/** Server-Sent Events framing (https://html.spec.whatwg.org/multipage/server-sent-events.html). Pure. */

/** One message: `event:` line, one `data:` line per line of the payload, blank line. */
export function sseMessage(event: string, data: unknown): string {
  if (/[\r\n]/.test(event)) throw new Error('an SSE event name cannot contain a line break');
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return `event: ${event}\n${text.split(/\r\n|\r|\n/).map((line) => `data: ${line}`).join('\n')}\n\n`;
}

/** A comment line: ignored by EventSource, keeps proxies and idle timers from closing the stream. */
export function sseComment(text: string): string {
  return `${text.split(/\r\n|\r|\n/).map((line) => `: ${line}`).join('\n')}\n\n`;
}

export interface SseFrame {
  /** `message` when the frame had no `event:` line (as EventSource does). */
  event: string;
  data: string;
}

/**
 * Incremental parser for a text/event-stream: feed it chunks as they arrive, get the complete messages.
 * Comments and frames without data are skipped, as EventSource skips them.
 */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];

  push(chunk: string): SseFrame[] {
    this.buffer += chunk;
    const out: SseFrame[] = [];
    let newline: RegExpExecArray | null;
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    while ((newline = lineEnd.exec(this.buffer))) {
      // a lone \r at the end of a chunk may be the first half of \r\n: wait for more
      if (newline[0] === '\r' && newline.index === this.buffer.length - 1) break;
      this.line(this.buffer.slice(start, newline.index), out);
      start = newline.index + newline[0].length;
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  private line(line: string, out: SseFrame[]) {
    if (line === '') {
      if (this.data.length) out.push({ event: this.event || 'message', data: this.data.join('\n') });
      this.event = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
  }
}
