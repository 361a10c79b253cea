import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { describe, it } from 'vitest';
import { createMongoStore } from '../../store/mongodb/mongodb.store';
import { defineStoreContract } from './store.contract';
import { defineReconciliationContract } from './reconciliation.contract';

const url = process.env.MONGODB_URL;

if (url) {
  const makeMongoStore = async () => {
    const database = `plantgate_test_${randomUUID().replaceAll('-', '')}`;
    return {
      store: await createMongoStore({ url, database }),
      cleanup: async () => {
        const client = await MongoClient.connect(url);
        await client.db(database).dropDatabase();
        await client.close();
      },
    };
  };
  defineStoreContract('mongodb', makeMongoStore);
  defineReconciliationContract('mongodb', makeMongoStore);
} else {
  describe('store contract: mongodb', () => {
    it.skip('skipped: set MONGODB_URL (a replica set) to run the store contract against MongoDB', () => {});
  });
  console.log('store contract: mongodb skipped (MONGODB_URL is not set)');
}
