import { createSqliteStore } from '../../store/sqlite/sqlite.store';
import { makeTempDir } from '../support/temp-dir';
import { defineStoreContract } from './store.contract';
import path from 'node:path';
import { expect, it } from 'vitest';
import { anApplyUnit, anOrder } from '../support/records.fixture';

defineStoreContract('sqlite', async () => {
  const dir = makeTempDir();
  return { store: createSqliteStore({ file: path.join(dir.path, 'store.db') }), cleanup: async () => dir.remove() };
});

it('sqlite: keeps what was committed across a reopen of the file', async () => {
  const dir = makeTempDir();
  const file = path.join(dir.path, 'nested', 'store.db');
  const first = createSqliteStore({ file });
  const order = anOrder();
  await first.commit(anApplyUnit(order, 0));
  await first.close();
  const second = createSqliteStore({ file });
  expect(await second.getOrder(order.plant, order.orderNumber)).toEqual(order);
  await second.close();
  dir.remove();
});
