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
import { foreignKeysFetch } from './libsql-foreign-keys.js';
import { DurableObjectLiveFeed } from './live.js';
import { DurableObjectOutbox } from './outbox.js';
import { edgeTools } from './tools.js';

/** The Worker's database: D1 by default, libSQL/Turso over HTTP (with foreign keys on in every stream) when LIBSQL_URL is set. */
export function edgeDatabase(env: Pick<Env, 'DB' | 'LIBSQL_URL' | 'LIBSQL_AUTH_TOKEN'>): Db {
  const db = env.LIBSQL_URL
    ? drizzleLibsql(createClient({ url: env.LIBSQL_URL, authToken: env.LIBSQL_AUTH_TOKEN, fetch: foreignKeysFetch() }), { schema })
    : drizzleD1(env.DB as never, { schema });
  return db as unknown as Db;
}

/** The app's dependencies on Workers. */
export function edgeDeps(env: Env): AppDeps {
  return {
    db: edgeDatabase(env),
    hub: new DurableObjectProbeHub(env.PROBES),
    live: new DurableObjectLiveFeed(env.LIVE),
    outbox: new DurableObjectOutbox(env.OUTBOX),
    tools: edgeTools,
    clock: { now: Date.now },
    config: appConfig(env as unknown as Record<string, string | undefined>),
    log: jsonLogger({ host: 'workers' }),
    clientAddress: edgeClientAddress,
  };
}
