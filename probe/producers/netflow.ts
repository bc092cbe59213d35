import type { ManagedSubnet } from '../../schema/protocol.js';
import type { NetflowConfig } from '../config.js';
import { FlowCollector } from '../netflow/collector.js';
import type { Producer, ProducerAssignment, ProducerContext } from './types.js';

/** The NetFlow/IPFIX collector as a producer: one `flows` item per minute, labelled with the managed subnets. */
export class NetflowProducer implements Producer {
  readonly name = 'netflow';
  private collector: FlowCollector | null = null;
  private managed: readonly ManagedSubnet[] = [];
  /** Where the collector listens once started (port 0 in the config: the port it was given). */
  address: { address: string; port: number } | null = null;

  constructor(private readonly config: NetflowConfig) {}

  async start(ctx: ProducerContext) {
    const collector = new FlowCollector(this.config, ctx.log, ctx.now);
    collector.setSubnets(this.managed);
    collector.onItems((items) => ctx.emit(items));
    this.address = await collector.start();
    this.collector = collector;
  }

  assignment(a: ProducerAssignment) {
    this.managed = a.managed;
    this.collector?.setSubnets(a.managed);
  }

  async stop() {
    const collector = this.collector;
    this.collector = null;
    await collector?.stop();
  }
}
