import type { Store } from '../core/ports/store.port';
import { createMongoStore } from '../store/mongodb/mongodb.store';
import { createSqliteStore } from '../store/sqlite/sqlite.store';
import type { Config } from './config';

/** The one place that chooses the store adapter. */
export async function createStore(config: Config): Promise<Store> {
  if (config.STORE === 'mongodb')
    return createMongoStore({ url: config.MONGODB_URL!, database: config.MONGODB_DATABASE });
  return createSqliteStore({ file: config.SQLITE_FILE, synchronous: config.SQLITE_SYNCHRONOUS });
}
