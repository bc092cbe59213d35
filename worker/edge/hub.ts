import type { DurableObjectNamespace, DurableObjectStub } from '@cloudflare/workers-types';
import type { ServerMessage } from '../../schema/protocol.js';
import type { ProbeHub } from '../deps.js';
import type { ProbeHubObject } from './probe-object.js';

/** The probe hub on Workers: each probe's socket lives in its own Durable Object, named after the probe, called over RPC. */
export class DurableObjectProbeHub implements ProbeHub {
  constructor(private readonly ns: DurableObjectNamespace<ProbeHubObject>) {}

  private stub(probeId: number): DurableObjectStub<ProbeHubObject> {
    return this.ns.getByName(`probe-${probeId}`);
  }

  async send(probeId: number, message: ServerMessage): Promise<boolean> {
    return this.stub(probeId).send(message);
  }

  async isConnected(probeId: number): Promise<boolean> {
    return this.stub(probeId).isConnected();
  }

  async disconnect(probeId: number, reason: string): Promise<void> {
    await this.stub(probeId).disconnect(reason);
  }
}
