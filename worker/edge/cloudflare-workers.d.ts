// The runtime module `cloudflare:workers` (DurableObject, WorkerEntrypoint, RpcTarget). @cloudflare/workers-types
// declares it only in its global flavour, which would clash with the Node and DOM types this one tsconfig
// also checks; this maps it to the same declarations in the importable flavour the project uses.
declare module 'cloudflare:workers' {
  import { CloudflareWorkersModule } from '@cloudflare/workers-types';
  export = CloudflareWorkersModule;
}
