import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../core/auth/principal';
import { businessKeyOf } from '../../core/idempotency/business-key';
import { createEnvelope } from '../../core/intake/envelope';
import type { Command } from '../../core/messages/message.registry';
import { connectBroker } from '../../messaging/broker.connection';
import { createCommandPublisher } from '../../messaging/command.publisher';
import { createLogger } from '../../app/logger';
import { completion, consumption, inspection, operationEvent } from '../support/event.fixture';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { acknowledgeInput, releaseInput } from '../support/order.fixture';
import { seedReferenceData } from '../support/reference.fixture';
import { waitFor } from '../support/wait';
import { submit } from '../support/workflow-client';

const REPLAYER = systemPrincipal('test:replayer', 'Test replayer');
const COPIES = 6;

describe('the same events submitted many times at once', () => {
  let installation: TestInstallation;
  afterEach(() => installation.cleanup());

  it('through two gateways, two workers and straight onto the broker, produce each effect exactly once', async () => {
    installation = createTestInstallation('concurrency', { PARTITIONS: '2' });
    const gateways = [await installation.start('gateway'), await installation.start('gateway')];
    await installation.start('worker');
    await installation.start('worker');
    const store = gateways[0]!.store;
    await seedReferenceData(gateways[0]!.url!);

    // A second way in, bypassing the gateways' submission records: as a webhook replay or a republish would.
    const connection = await connectBroker({
      url: installation.config.AMQP_URL,
      connectTimeoutMs: 5000,
      connectionName: 'test-replayer',
      logger: createLogger('silent'),
    });
    const publisher = createCommandPublisher(connection, gateways[0]!.topology);
    const replay = (command: Command) =>
      publisher.publish(createEnvelope(command, { principal: REPLAYER }, new Date().toISOString(), 1000));

    const release = releaseInput({ orderNumber: 'PO-RACE' });
    const ref = { orderNumber: release.orderNumber, plant: release.plant };
    const steps: [string, Command][] = [
      ['releaseProductionOrder', { messageType: 'ReleaseProductionOrder', payload: release }],
      ['acknowledgeProductionOrder', { messageType: 'AcknowledgeProductionOrder', payload: acknowledgeInput(release) }],
      [
        'reportOperationEvent',
        { messageType: 'ReportOperationEvent', payload: operationEvent({ ...ref, eventType: 'START' }) },
      ],
      [
        'reportMaterialConsumption',
        { messageType: 'ReportMaterialConsumption', payload: consumption({ ...ref, quantity: 40 }) },
      ],
      [
        'reportOperationEvent',
        {
          messageType: 'ReportOperationEvent',
          payload: operationEvent({
            ...ref,
            eventType: 'COMPLETE',
            yieldQuantity: 50,
            occurredAt: '2026-12-01T08:00:00Z',
          }),
        },
      ],
      [
        'reportOperationEvent',
        {
          messageType: 'ReportOperationEvent',
          payload: operationEvent({
            ...ref,
            operationSequence: 20,
            workCenter: 'WC-ASSY',
            eventType: 'START',
            occurredAt: '2026-12-01T08:10:00Z',
          }),
        },
      ],
      [
        'reportOperationEvent',
        {
          messageType: 'ReportOperationEvent',
          payload: operationEvent({
            ...ref,
            operationSequence: 20,
            workCenter: 'WC-ASSY',
            eventType: 'COMPLETE',
            yieldQuantity: 50,
            occurredAt: '2026-12-01T09:00:00Z',
          }),
        },
      ],
      [
        'reportProductionCompletion',
        { messageType: 'ReportProductionCompletion', payload: completion({ ...ref, lot: 'FG-RACE' }) },
      ],
      [
        'recordInspectionResult',
        { messageType: 'RecordInspectionResult', payload: inspection({ ...ref, lot: 'FG-RACE' }) },
      ],
    ];

    for (const [mutation, command] of steps) {
      const key = businessKeyOf(command, 1000);
      // Every copy carries its own messageId; half go through each gateway, more straight onto the broker.
      const viaGateways = Array.from({ length: COPIES }, (_, i) =>
        submit(
          gateways[i % 2]!.url!,
          mutation,
          'messageId' in command.payload ? { ...command.payload, messageId: randomUUID() } : command.payload,
        ),
      );
      const replays = Array.from({ length: 3 }, () => replay(command));
      const [results] = await Promise.all([Promise.all(viaGateways), Promise.all(replays)]);
      const accepted = results.filter((r) => r.status === 'ACCEPTED');
      expect(accepted, `${mutation} accepted once`).toHaveLength(1);
      expect(new Set(results.map((r) => r.correlationId)).size).toBe(1);
      // Wait until every copy of this event has a final status before sending the next event.
      await waitFor(
        async () => {
          const txs = (await store.listTransactionsByOrder(ref.plant, ref.orderNumber)).filter(
            (t) => t.envelope.businessKey === key,
          );
          return txs.length === 4 && txs.every((t) => ['APPLIED', 'POSTED', 'DUPLICATE'].includes(t.status))
            ? txs
            : undefined;
        },
        { what: `all copies of ${mutation} settled` },
      );
      const txs = (await store.listTransactionsByOrder(ref.plant, ref.orderNumber)).filter(
        (t) => t.envelope.businessKey === key,
      );
      expect(
        txs.filter((t) => t.status === 'APPLIED' || t.status === 'POSTED'),
        `${mutation} applied once`,
      ).toHaveLength(1);
      expect(txs.filter((t) => t.status === 'DUPLICATE')).toHaveLength(3);
    }
    await publisher.close();
    await connection.close();

    const order = (await store.getOrder(ref.plant, ref.orderNumber))!;
    expect(order.state).toBe('QUALITY_PENDING');
    expect(order.operations.map((op) => op.yieldQuantity)).toEqual([50, 50]);
    expect(order.materialConsumptions).toHaveLength(1);
    expect(order.goodsReceipts).toHaveLength(1);
    expect((await store.getLot('P100', 'L-RM7-OK'))!.quantity).toBe(100000 - 40);
    const outbox = await store.listOutbox({});
    const count = (type: string) => outbox.filter((e) => e.messageType === type).length;
    expect([
      count('OrderReleased'),
      count('GoodsIssue'),
      count('OperationConfirmation'),
      count('InspectionRequested'),
      count('GoodsReceipt'),
    ]).toEqual([1, 1, 2, 1, 1]);
    expect(await store.listAudit('order:P100:PO-RACE')).toHaveLength(steps.length + 3 * steps.length);
    expect((await store.listExceptions({ orderNumber: 'PO-RACE' }, { first: 1 })).totalCount).toBe(0);
  });
});
