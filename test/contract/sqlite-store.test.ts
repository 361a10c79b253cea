import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../store/sqlite/sqlite.schema';
import { createSqliteStore } from '../../store/sqlite/sqlite.store';
import { makeTempDir } from '../support/temp-dir';
import { defineStoreContract } from './store.contract';
import { defineReconciliationContract } from './reconciliation.contract';
import path from 'node:path';
import { expect, it } from 'vitest';
import { anApplyUnit, anOrder } from '../support/records.fixture';

const makeSqliteStore = async () => {
  const dir = makeTempDir();
  return { store: createSqliteStore({ file: path.join(dir.path, 'store.db') }), cleanup: async () => dir.remove() };
};
defineStoreContract('sqlite', makeSqliteStore);
defineReconciliationContract('sqlite', makeSqliteStore);

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

it('sqlite: upgrades a file written before envelopes, keeping its transactions, held messages and submissions', async () => {
  const dir = makeTempDir();
  const file = path.join(dir.path, 'old.db');
  // The schema of the release before envelopes (migrations 1 to 3), with one transaction, one held message and an
  // unpublished submission as that release wrote them.
  const db = new Database(file);
  MIGRATIONS.slice(0, 3).forEach((sql) => db.exec(sql));
  db.pragma('user_version = 3');
  const at = '2026-11-01T08:00:00.000Z';
  const payload = {
    orderNumber: 'PO-OLD',
    plant: 'P1',
    routingRevision: 'R1',
    specRevision: 'S1',
    acknowledgedAt: at,
    messageId: 'm-1',
  };
  db.prepare('INSERT INTO transactions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    'c-old',
    'm-1',
    'AcknowledgeProductionOrder',
    'AcknowledgeProductionOrder|P1|PO-OLD',
    'P1',
    'PO-OLD',
    'HELD',
    1,
    null,
    null,
    'waits',
    JSON.stringify(payload),
    at,
    at,
  );
  db.prepare('INSERT INTO submissions VALUES (?, ?, ?, 0, ?)').run(
    'AcknowledgeProductionOrder|P1|PO-OLD',
    'fp',
    'c-old',
    at,
  );
  const oldMessage = {
    command: { messageType: 'AcknowledgeProductionOrder', payload },
    messageId: 'm-1',
    correlationId: 'c-old',
    businessKey: 'AcknowledgeProductionOrder|P1|PO-OLD',
    fingerprint: 'fp',
    attempt: 1,
    receivedAt: at,
    actor: 'embedded',
  };
  db.prepare(
    'INSERT INTO held_messages (correlation_id, plant, order_number, held_until, doc) VALUES (?, ?, ?, ?, ?)',
  ).run(
    'c-old',
    'P1',
    'PO-OLD',
    at,
    JSON.stringify({
      correlationId: 'c-old',
      plant: 'P1',
      orderNumber: 'PO-OLD',
      message: oldMessage,
      rule: 'r',
      reason: 'waits',
      heldAt: at,
      heldUntil: at,
    }),
  );
  db.close();

  const store = createSqliteStore({ file });
  const envelope = {
    schemaVersion: 1,
    command: { messageType: 'AcknowledgeProductionOrder', payload },
    messageId: 'm-1',
    correlationId: 'c-old',
    businessKey: 'AcknowledgeProductionOrder|P1|PO-OLD',
    scope: { plant: 'P1', orderNumber: 'PO-OLD' },
    receivedAt: at,
    replayOf: null,
  };
  expect(await store.getTransaction('c-old')).toMatchObject({
    status: 'HELD',
    attempts: 1,
    lastError: 'waits',
    envelope: { ...envelope, fingerprint: '' },
  });
  const [held] = await store.listHeld('P1', 'PO-OLD');
  expect(held!.message).toMatchObject({
    attempt: 1,
    envelope: { ...envelope, fingerprint: 'fp', principal: { id: 'embedded' } },
  });
  // Its submission was never marked published, but a worker took it in (HELD): the sweeper marks it, publishes nothing.
  expect(await store.claimStrandedSubmissions(new Date().toISOString(), 10, 1000)).toEqual([]);
  expect(
    await store.recordSubmission({
      ...(await store.getTransaction('c-old'))!,
      envelope: { ...envelope, fingerprint: 'fp', correlationId: 'c-new' } as never,
    }),
  ).toEqual({
    outcome: 'duplicate',
    correlationId: 'c-old',
    published: true,
  });
  await store.close();
  dir.remove();
});

it('sqlite: lets several processes open a new file at once, each migration running once', async () => {
  const dir = makeTempDir();
  const file = path.join(dir.path, 'shared.db');
  // Separate processes, as a gateway and workers starting together: the first migration must not run twice.
  const { spawn } = await import('node:child_process');
  // All six wait for the same instant after loading, so that they really open the file together.
  const at = Date.now() + 5000;
  const opener = `require('ts-node/register/transpile-only'); const { createSqliteStore } = require(${JSON.stringify(path.resolve(__dirname, '../../store/sqlite/sqlite.store.ts'))}); while (Date.now() < ${at}); createSqliteStore({ file: ${JSON.stringify(file)} }).close().then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); });`;
  const codes = await Promise.all(
    Array.from(
      { length: 6 },
      () =>
        new Promise<number | null>((resolve) =>
          spawn(process.execPath, ['-e', opener], { cwd: path.resolve(__dirname, '../..'), stdio: 'inherit' }).on(
            'exit',
            resolve,
          ),
        ),
    ),
  );
  expect(codes).toEqual([0, 0, 0, 0, 0, 0]);
  const db = new Database(file, { readonly: true });
  expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
  db.close();
  dir.remove();
}, 30_000);
