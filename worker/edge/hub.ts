import type { DurableObjectNamespace, DurableObjectStub } from '@cloudflare/workers-types';
import type { ServerMessage } from '../../schema/protocol.js';
import type { ProbeHub } from '../deps.js';

/** The probe hub on Workers: each probe's socket lives in its own Durable Object, named after the probe. */
export class DurableObjectProbeHub implements ProbeHub {
  constructor(private readonly ns: DurableObjectNamespace) {}

  stub(probeId: number): DurableObjectStub {
    return this.ns.get(this.ns.idFromName(`probe-${probeId}`));
  }

  async send(probeId: number, message: ServerMessage): Promise<boolean> {
    const res = await this.stub(probeId).fetch('https://probe/send', { method: 'POST', body: JSON.stringify(message) });
    return ((await res.json()) as { sent: boolean }).sent;
  }

  async isConnected(probeId: number): Promise<boolean> {
    const res = await this.stub(probeId).fetch('https://probe/status');
    return ((await res.json()) as { connected: boolean }).connected;
  }

  async disconnect(probeId: number, reason: string): Promise<void> {
    await this.stub(probeId).fetch('https://probe/disconnect', { method: 'POST', body: reason });
  }
}
