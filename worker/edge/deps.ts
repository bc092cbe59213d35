import { createClient } from '@libsql/client/web';
import { drizzle as drizzleD1 } from 'drizzle-orm/d1';
import { drizzle as drizzleLibsql } from 'drizzle-orm/libsql';
import { jsonLogger } from '../../schema/log.js';
import { appConfig } from '../config.js';
import { edgeClientAddress } from '../http/client-address.js';
import { schema, type Db } from '../db.js';
import type { AppDeps } from '../deps.js';
import type { Env } from './env.js';
import { DurableObjectProbeHub } from './hub.js';
import { DurableObjectLiveFeed } from './live.js';

/** The app's dependencies on Workers: D1 by default, libSQL/Turso over HTTP when LIBSQL_URL is set. */
export function edgeDeps(env: Env): AppDeps {
  const db = env.LIBSQL_URL
    ? drizzleLibsql(createClient({ url: env.LIBSQL_URL, authToken: env.LIBSQL_AUTH_TOKEN }), { schema })
    : drizzleD1(env.DB as never, { schema });
  return {
    db: db as unknown as Db,
    hub: new DurableObjectProbeHub(env.PROBES),
    live: new DurableObjectLiveFeed(env.LIVE),
    clock: { now: Date.now },
    config: appConfig(env as unknown as Record<string, string | undefined>),
    log: jsonLogger({ host: 'workers' }),
    clientAddress: edgeClientAddress,
  };
}
