import type { UpsertReferenceData } from '../../core/reference/upsert-reference-data.command';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../core/ports/store.port';
import { chainHash, GENESIS_HASH } from '../../store/audit-chain';
import { aRuleChange, aTransaction, anApplyUnit, anException, anOrder } from '../support/records.fixture';

/**
 * The store port's contract. Every adapter runs this same suite: what passes here is what the workers and
 * resolvers may rely on, whichever store is configured.
 */
export function defineStoreContract(
  name: string,
  makeStore: () => Promise<{ store: Store; cleanup: () => Promise<void> }>,
) {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    it('records a submission once per business key and reports the original on a resubmission', async () => {
      const first = aTransaction();
      expect(await store.recordSubmission(first)).toEqual({ outcome: 'accepted' });
      const again = aTransaction({ envelope: { businessKey: first.envelope.businessKey } });
      const outcome = await store.recordSubmission(again);
      expect(outcome).toEqual({ outcome: 'duplicate', correlationId: first.envelope.correlationId, published: false });
      expect(await store.getTransaction(again.envelope.correlationId)).toBeNull();
      expect(await store.getTransaction(first.envelope.correlationId)).toEqual(first);
    });

    it('records nothing for other content under a used business key and names the original', async () => {
      const first = aTransaction();
      await store.recordSubmission(first);
      const changed = aTransaction({
        envelope: { businessKey: first.envelope.businessKey, fingerprint: 'other content' },
      });
      expect(await store.recordSubmission(changed)).toEqual({
        outcome: 'conflict',
        originalCorrelationId: first.envelope.correlationId,
      });
      expect(await store.getTransaction(changed.envelope.correlationId)).toBeNull();
    });

    it('of many concurrent submissions of one business event accepts exactly one', async () => {
      const businessKey = `k|${randomUUID()}`;
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => store.recordSubmission(aTransaction({ envelope: { businessKey } }))),
      );
      expect(outcomes.filter((o) => o.outcome === 'accepted')).toHaveLength(1);
      expect(outcomes.filter((o) => o.outcome === 'duplicate')).toHaveLength(19);
    });

    it('hands out a submission the broker never confirmed once it is older than the grace, to one sweeper at a time', async () => {
      const old = new Date(Date.now() - 60_000).toISOString();
      const stranded = aTransaction({ envelope: { receivedAt: old } });
      const confirmed = aTransaction({ envelope: { receivedAt: old } });
      const recent = aTransaction();
      for (const t of [stranded, confirmed, recent]) await store.recordSubmission(t);
      await store.markSubmissionPublished(confirmed.envelope.correlationId);
      const cutoff = new Date(Date.now() - 5_000).toISOString();

      const [a, b] = await Promise.all([
        store.claimStrandedSubmissions(cutoff, 100, 60_000),
        store.claimStrandedSubmissions(cutoff, 100, 60_000),
      ]);
      const claimed = [...a, ...b].map((t) => t.envelope.correlationId);
      expect(claimed.filter((id) => id === stranded.envelope.correlationId)).toHaveLength(1);
      expect(claimed).not.toContain(confirmed.envelope.correlationId);
      expect(claimed).not.toContain(recent.envelope.correlationId);
      expect([...a, ...b].find((t) => t.envelope.correlationId === stranded.envelope.correlationId)).toEqual(stranded);
      // Leased: nobody else takes it until the lease ends; once published, nobody takes it again.
      expect(
        (await store.claimStrandedSubmissions(cutoff, 100, 60_000)).map((t) => t.envelope.correlationId),
      ).not.toContain(stranded.envelope.correlationId);
      await store.markSubmissionPublished(stranded.envelope.correlationId);
      expect(
        await store.recordSubmission(aTransaction({ envelope: { businessKey: stranded.envelope.businessKey } })),
      ).toMatchObject({ outcome: 'duplicate', published: true });
    });

    it('takes back an expired stranded-submission lease, and marks published what a worker already took in', async () => {
      const old = new Date(Date.now() - 60_000).toISOString();
      const stranded = aTransaction({ envelope: { receivedAt: old } });
      const processed = aTransaction({ envelope: { receivedAt: old } });
      await store.recordSubmission(stranded);
      await store.recordSubmission(processed);
      await store.commit({ transaction: { ...processed, status: 'APPLIED' }, audit: [], outbox: [], exceptions: [] });
      const cutoff = new Date().toISOString();
      const first = await store.claimStrandedSubmissions(cutoff, 100, 1);
      expect(first.map((t) => t.envelope.correlationId)).toContain(stranded.envelope.correlationId);
      expect(first.map((t) => t.envelope.correlationId)).not.toContain(processed.envelope.correlationId);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const again = (await store.claimStrandedSubmissions(cutoff, 100, 60_000)).map((t) => t.envelope.correlationId);
      expect(again).toContain(stranded.envelope.correlationId);
      expect(
        await store.recordSubmission(aTransaction({ envelope: { businessKey: processed.envelope.businessKey } })),
      ).toMatchObject({ outcome: 'duplicate', published: true });
    });

    it('keeps a rule change with its audit entry, and refuses a write at a revision already passed', async () => {
      const change = aRuleChange('P1');
      const entry = (action: string) => ({
        at: change.proposedAt,
        subject: 'rules:P1',
        action,
        actor: 'u1',
        correlationId: change.id,
        detail: { version: change.version },
      });
      await store.saveRuleChange(change, 0, [entry('RULE_CHANGE_PROPOSED')]);
      await store.saveRuleChange(aRuleChange('P2'), 0, []);
      const approved = { ...change, status: 'APPROVED' as const, version: 2, rev: 2 };
      await store.saveRuleChange(approved, 1, [entry('RULE_CHANGE_APPROVED')]);
      // A second approver who read revision 1 too: refused, and its audit entry is not written either.
      await expect(store.saveRuleChange({ ...approved, note: 'late' }, 1, [entry('LATE')])).rejects.toMatchObject({
        code: 'CONCURRENT_MODIFICATION',
      });
      await expect(store.saveRuleChange(change, 0, [])).rejects.toMatchObject({ code: 'CONCURRENT_MODIFICATION' });
      expect(await store.listRuleChanges('P1')).toEqual([approved]);
      expect((await store.listRuleChanges()).map((c) => c.plant)).toEqual(['P1', 'P2']);
      expect((await store.listAudit('rules:P1')).map((e) => e.action)).toEqual([
        'RULE_CHANGE_PROPOSED',
        'RULE_CHANGE_APPROVED',
      ]);
    });

    it('commits order, transaction, key, audit and outbox together', async () => {
      const order = anOrder({ orderNumber: `PO-${randomUUID()}` });
      const unit = anApplyUnit(order, 0);
      expect(await store.commit(unit)).toEqual({ ok: true });
      expect(await store.getOrder(order.plant, order.orderNumber)).toEqual(order);
      expect(await store.getTransaction(unit.transaction.envelope.correlationId)).toEqual(unit.transaction);
      expect(await store.getIdempotencyKey(unit.transaction.envelope.businessKey)).toEqual(unit.idempotencyKey);
      expect(await store.listOutbox({ correlationId: unit.transaction.envelope.correlationId })).toEqual([
        { ...unit.outbox[0], publishedAt: null },
      ]);
      const audit = await store.listAudit(`order:${order.plant}:${order.orderNumber}`);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ action: 'test.applied', prevHash: GENESIS_HASH });
    });

    it('commits nothing when the order version is stale', async () => {
      const order = anOrder({ orderNumber: `PO-${randomUUID()}` });
      await store.commit(anApplyUnit(order, 0));
      const stale = anApplyUnit({ ...order, state: 'ACKNOWLEDGED', version: 2 }, 0);
      expect(await store.commit(stale)).toEqual({ ok: false, conflict: 'order-version' });
      expect(await store.getTransaction(stale.transaction.envelope.correlationId)).toBeNull();
      expect(await store.getIdempotencyKey(stale.transaction.envelope.businessKey)).toBeNull();
      expect(await store.listOutbox({ correlationId: stale.transaction.envelope.correlationId })).toEqual([]);
      const next = anApplyUnit({ ...order, state: 'ACKNOWLEDGED', version: 2 }, 1);
      expect(await store.commit(next)).toEqual({ ok: true });
      expect((await store.getOrder(order.plant, order.orderNumber))?.state).toBe('ACKNOWLEDGED');
    });

    it('commits nothing when the business key was already applied', async () => {
      const order = anOrder({ orderNumber: `PO-${randomUUID()}` });
      const first = anApplyUnit(order, 0);
      await store.commit(first);
      const second = anApplyUnit({ ...order, version: 2 }, 1, {
        idempotencyKey: { ...first.idempotencyKey!, correlationId: 'other' },
      });
      expect(await store.commit(second)).toEqual({ ok: false, conflict: 'idempotency-key' });
      expect((await store.getOrder(order.plant, order.orderNumber))?.version).toBe(1);
    });

    it('of two racing writers on one order version lets exactly one commit', async () => {
      const order = anOrder({ orderNumber: `PO-${randomUUID()}` });
      await store.commit(anApplyUnit(order, 0));
      const results = await Promise.all([1, 2].map(() => store.commit(anApplyUnit({ ...order, version: 2 }, 1))));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    });

    it('chains audit entries of a subject by hash', async () => {
      const order = anOrder({ orderNumber: `PO-${randomUUID()}` });
      await store.commit(anApplyUnit(order, 0));
      await store.commit(anApplyUnit({ ...order, version: 2 }, 1));
      const [a, b] = await store.listAudit(`order:${order.plant}:${order.orderNumber}`);
      expect(b!.prevHash).toBe(a!.hash);
      const { seq: _s, prevHash: _p, hash, ...draft } = b!;
      expect(hash).toBe(chainHash(a!.hash, draft));
      expect(b!.seq).toBeGreaterThan(a!.seq);
    });

    it('stores exceptions once and pages them by filter', async () => {
      const plant = `P-${randomUUID()}`;
      for (let i = 0; i < 5; i++) {
        const t = aTransaction({ envelope: { scope: { plant, orderNumber: `PO-${i}` } }, status: 'QUARANTINED' });
        const { correlationId, command, receivedAt } = t.envelope;
        const exception = anException({
          id: `${correlationId}:rule`,
          type: i % 2 ? 'SEQUENCE' : 'VALIDATION',
          reason: `r${i}`,
          plant,
          orderNumber: `PO-${i}`,
          correlationId,
          messageType: command.messageType,
          payload: { i },
          rule: 'rule',
          createdAt: receivedAt,
        });
        await store.commit({
          transaction: { ...t, exceptionId: exception.id },
          audit: [],
          outbox: [],
          exceptions: [exception, exception],
        });
      }
      const firstPage = await store.listExceptions({ plant }, { first: 2 });
      expect(firstPage).toMatchObject({ totalCount: 5, hasNextPage: true });
      expect(firstPage.items.map((e) => e.reason)).toEqual(['r0', 'r1']);
      const rest = await store.listExceptions({ plant }, { first: 10, after: firstPage.endCursor });
      expect(rest.items.map((e) => e.reason)).toEqual(['r2', 'r3', 'r4']);
      expect(rest.hasNextPage).toBe(false);
      expect((await store.listExceptions({ plant, type: 'SEQUENCE' }, { first: 10 })).totalCount).toBe(2);
    });

    it('refuses a cursor it did not hand out instead of answering a page', async () => {
      for (const after of ['garbage', 'eHl6', '!!', encodeURIComponent('é')]) {
        await expect(store.listOrders({}, { first: 5, after })).rejects.toMatchObject({
          code: 'INVALID_INPUT',
          field: 'after',
        });
        await expect(store.listExceptions({}, { first: 5, after })).rejects.toMatchObject({
          code: 'INVALID_INPUT',
          field: 'after',
        });
      }
    });

    it('pages orders by plant and state', async () => {
      const plant = `P-${randomUUID()}`;
      for (let i = 0; i < 3; i++)
        await store.commit(
          anApplyUnit(anOrder({ plant, orderNumber: `PO-${i}`, state: i === 2 ? 'ACKNOWLEDGED' : 'RELEASED' }), 0),
        );
      expect((await store.listOrders({ plant }, { first: 10 })).totalCount).toBe(3);
      const released = await store.listOrders({ plant, state: 'RELEASED' }, { first: 1 });
      expect(released).toMatchObject({ totalCount: 2, hasNextPage: true });
      const next = await store.listOrders({ plant, state: 'RELEASED' }, { first: 1, after: released.endCursor });
      expect(next.items.map((o) => o.orderNumber)).toEqual(['PO-1']);
    });

    it("narrows lists to a set of plants (a principal's scope); an empty set shows nothing", async () => {
      const [p1, p2, p3] = [1, 2, 3].map((n) => `P${n}-${randomUUID()}`) as [string, string, string];
      for (const plant of [p1, p2, p3]) await store.commit(anApplyUnit(anOrder({ plant, orderNumber: 'PO-1' }), 0));
      const plantsOf = (page: { items: { plant: string }[] }) => page.items.map((o) => o.plant).sort();
      expect(
        plantsOf(await store.listOrders({ plants: [p1, p2] }, { first: 1000 })).filter((p) => [p1, p2, p3].includes(p)),
      ).toEqual([p1, p2].sort());
      expect(await store.listOrders({ plant: p3, plants: [p1, p2] }, { first: 10 })).toMatchObject({
        totalCount: 0,
        items: [],
      });
      expect(await store.listOrders({ plant: p1, plants: [p1, p2] }, { first: 10 })).toMatchObject({ totalCount: 1 });
      expect(await store.listOrders({ plants: [] }, { first: 10 })).toMatchObject({ totalCount: 0, items: [] });
      expect(await store.listExceptions({ plants: [] }, { first: 10 })).toMatchObject({ totalCount: 0, items: [] });
    });

    it('keeps API keys as records with a hash, lists them, and revokes a key once', async () => {
      const id = randomUUID().slice(0, 12);
      const key = {
        id,
        name: 'MES line 1',
        roles: ['INTEGRATOR' as const],
        plants: ['P1'],
        secretHash: 'ab'.repeat(32),
        createdAt: new Date().toISOString(),
        createdBy: 'cli:root',
        expiresAt: null,
        revokedAt: null,
        revokedBy: null,
      };
      const before = await store.countApiKeys();
      await store.insertApiKey(key);
      expect(await store.getApiKey(id)).toEqual(key);
      expect(await store.getApiKey('no-such-key')).toBeNull();
      expect(await store.countApiKeys()).toBe(before + 1);
      expect((await store.listApiKeys()).filter((k) => k.id === id)).toEqual([key]);
      await store.revokeApiKey(id, '2030-01-01T00:00:00.000Z', 'key:admin');
      await store.revokeApiKey(id, '2031-01-01T00:00:00.000Z', 'key:other');
      expect(await store.getApiKey(id)).toEqual({
        ...key,
        revokedAt: '2030-01-01T00:00:00.000Z',
        revokedBy: 'key:admin',
      });
      expect(await store.countApiKeys()).toBe(before + 1);
    });

    it('leases outbox entries to one relay at a time and forgets them once published', async () => {
      const unit = anApplyUnit(anOrder({ orderNumber: `PO-${randomUUID()}` }), 0);
      await store.commit(unit);
      const mine = await store.claimOutbox('relay-a', 10, 60_000);
      expect(mine.map((e) => e.id)).toContain(unit.outbox[0]!.id);
      expect((await store.claimOutbox('relay-b', 10, 60_000)).map((e) => e.id)).not.toContain(unit.outbox[0]!.id);
      await store.markOutboxPublished(mine.map((e) => e.id));
      expect(await store.listOutbox({ unpublishedOnly: true })).toEqual([]);
    });

    it('publishes an outbox entry again with the exception change that retries it, never on a stale version', async () => {
      const unit = anApplyUnit(anOrder({ orderNumber: `PO-${randomUUID()}` }), 0);
      await store.commit(unit);
      const entry = unit.outbox[0]!;
      const { correlationId, receivedAt, scope } = unit.transaction.envelope;
      const exception = anException({
        id: `${entry.id}:downstream`,
        type: 'DOWNSTREAM',
        reason: 'ERP did not take it',
        plant: scope.plant,
        orderNumber: scope.orderNumber,
        correlationId,
        messageType: entry.messageType,
        payload: entry.payload,
        rule: 'downstream.erp.unavailable',
        createdAt: receivedAt,
      });
      await store.commit({ transaction: unit.transaction, audit: [], outbox: [], exceptions: [exception] });
      await store.markOutboxPublished([entry.id]);
      const retried = { ...exception, reason: 'sent again', rule: 'downstream.erp.rejected', version: 2 };
      const audit = {
        at: receivedAt,
        subject: `order:${scope.plant}:${scope.orderNumber}`,
        action: 'exception.replay-submitted',
        actor: 'key:a',
        correlationId,
        detail: {},
      };
      const stale = { ...retried, version: 3 };
      expect(await store.updateExceptions([{ record: stale, expectedVersion: 2 }], [audit], [entry.id])).toEqual({
        ok: false,
        conflict: 'exception-version',
      });
      expect((await store.listOutbox({ unpublishedOnly: true })).map((e) => e.id)).not.toContain(entry.id);
      expect(await store.updateExceptions([{ record: retried, expectedVersion: 1 }], [audit], [entry.id])).toEqual({
        ok: true,
      });
      expect(await store.getException(exception.id)).toEqual(retried);
      const claimed = await store.claimOutbox('relay-a', 100, 60_000);
      expect(claimed.find((e) => e.id === entry.id)).toMatchObject({ idempotencyKey: entry.idempotencyKey });
      await store.markOutboxPublished(claimed.map((e) => e.id));
    });

    it('lets one relay publish at a time, so that entries go out in commit order', async () => {
      const order = anOrder({ orderNumber: `PO-${randomUUID()}` });
      const first = anApplyUnit(order, 0);
      const second = anApplyUnit({ ...order, version: 2 }, 1);
      await store.commit(first);
      await store.commit(second);
      const batch = await store.claimOutbox('relay-a', 1, 60_000);
      expect(batch.map((e) => e.id)).toEqual([first.outbox[0]!.id]);
      expect(batch[0]).toMatchObject({
        scope: { plant: order.plant, orderNumber: order.orderNumber },
        traceparent: first.outbox[0]!.traceparent,
      });
      // The second entry is free, but relay-a still holds a lease: relay-b must not publish ahead of it.
      expect(await store.claimOutbox('relay-b', 10, 60_000)).toEqual([]);
      await store.markOutboxPublished(batch.map((e) => e.id));
      expect((await store.claimOutbox('relay-b', 10, 60_000)).map((e) => e.id)).toEqual([second.outbox[0]!.id]);
    });

    it('gives a relay back the entries it still holds, oldest first, after a pass that failed half-way', async () => {
      const order = anOrder({ orderNumber: `PO-${randomUUID()}` });
      const first = anApplyUnit(order, 0);
      const second = anApplyUnit({ ...order, version: 2 }, 1);
      await store.commit(first);
      await store.commit(second);
      expect((await store.claimOutbox('relay-a', 1, 60_000)).map((e) => e.id)).toEqual([first.outbox[0]!.id]);
      // The publish of the first entry failed: the next pass must start with it again, not skip to the second.
      expect((await store.claimOutbox('relay-a', 10, 60_000)).map((e) => e.id)).toEqual([
        first.outbox[0]!.id,
        second.outbox[0]!.id,
      ]);
    });

    it('takes back an expired outbox lease', async () => {
      const unit = anApplyUnit(anOrder({ orderNumber: `PO-${randomUUID()}` }), 0);
      await store.commit(unit);
      await store.claimOutbox('crashed-relay', 10, 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await store.claimOutbox('relay-b', 10, 60_000)).map((e) => e.id)).toContain(unit.outbox[0]!.id);
    });

    it('records failed attempts on a transaction', async () => {
      const t = aTransaction();
      await store.recordSubmission(t);
      await store.recordAttempt(t.envelope.correlationId, 3, 'boom');
      expect(await store.getTransaction(t.envelope.correlationId)).toMatchObject({
        attempts: 3,
        lastError: 'boom',
        status: 'RECEIVED',
      });
    });

    it('counts orders by state, open exceptions, held messages and the outbox backlog for monitoring', async () => {
      const plant = `P-${randomUUID()}`;
      const old = '2020-01-01T00:00:00.000Z';
      await store.commit(anApplyUnit(anOrder({ plant, orderNumber: 'A', state: 'RELEASED', stateSince: old }), 0));
      await store.commit(anApplyUnit(anOrder({ plant, orderNumber: 'B', state: 'RELEASED' }), 0));
      await store.commit(anApplyUnit(anOrder({ plant, orderNumber: 'C', state: 'ACKNOWLEDGED' }), 0));
      const counts = (await store.countOrdersByState()).filter((c) => c.plant === plant);
      expect(counts.sort((a, b) => a.state.localeCompare(b.state))).toEqual([
        { plant, state: 'ACKNOWLEDGED', count: 1 },
        { plant, state: 'RELEASED', count: 2 },
      ]);
      const stale = await store.listOrdersInStateSince('RELEASED', '2021-01-01T00:00:00.000Z', [plant], 10);
      expect(stale).toEqual([{ plant, orderNumber: 'A', state: 'RELEASED', stateSince: old }]);
      const backlog = await store.outboxBacklog();
      expect(backlog.count).toBeGreaterThanOrEqual(3);
      expect(backlog.oldestCreatedAt).not.toBeNull();

      const t = aTransaction({
        envelope: { scope: { plant, orderNumber: 'A' } },
        status: 'QUARANTINED',
        updatedAt: old,
      });
      const id = t.envelope.correlationId;
      const exception = anException({
        id: `${id}:r`,
        type: 'VALIDATION',
        reason: 'r',
        plant,
        orderNumber: 'A',
        correlationId: id,
        messageType: t.envelope.command.messageType,
        payload: {},
        rule: 'r',
        createdAt: old,
      });
      await store.commit({ transaction: t, audit: [], outbox: [], exceptions: [exception] });
      expect((await store.countOpenExceptions(new Date().toISOString())).filter((c) => c.plant === plant)).toEqual([
        { plant, type: 'VALIDATION', owner: 'OPERATIONS', count: 1, pastDue: 1, oldestCreatedAt: old },
      ]);
      expect(await store.listTransactionsInStatusSince('QUARANTINED', '2021-01-01T00:00:00.000Z', [plant], 10)).toEqual(
        [t],
      );
      expect(await store.listTransactionsInStatusSince('QUARANTINED', '2021-01-01T00:00:00.000Z', [], 10)).toEqual([]);
      expect(
        await store.listOrdersInStateSince('RELEASED', '2021-01-01T00:00:00.000Z', [`${plant}-other`], 10),
      ).toEqual([]);

      const held = aTransaction({ envelope: { scope: { plant, orderNumber: 'A' } }, status: 'HELD' });
      const heldId = held.envelope.correlationId;
      const hold = {
        correlationId: heldId,
        plant,
        orderNumber: 'A',
        message: { envelope: held.envelope, attempt: 1 },
        rule: 'r',
        reason: 'x',
        heldAt: old,
        heldUntil: old,
      };
      await store.commit({ transaction: held, audit: [], outbox: [], exceptions: [], hold });
      expect((await store.countHeld()).filter((c) => c.plant === plant)).toEqual([{ plant, count: 1 }]);
      expect(await store.listHeld(plant, 'A')).toEqual([hold]);
      expect((await store.listExpiredHeld(new Date().toISOString(), 100)).map((h) => h.correlationId)).toContain(
        heldId,
      );
      expect(
        await store.commit({
          transaction: { ...held, status: 'APPLIED' },
          audit: [],
          outbox: [],
          exceptions: [],
          releaseHeld: heldId,
        }),
      ).toEqual({ ok: true });
      expect(
        await store.commit({
          transaction: { ...held, status: 'APPLIED' },
          audit: [],
          outbox: [],
          exceptions: [],
          releaseHeld: heldId,
        }),
      ).toEqual({ ok: false, conflict: 'held' });
    });

    it('upserts reference data and guards lot versions', async () => {
      const t = aTransaction();
      const lot = {
        plant: 'P1',
        lotNumber: `L-${randomUUID()}`,
        item: 'RM',
        status: 'UNRESTRICTED' as const,
        expiresAt: null,
        quantity: 5,
        uom: 'EA',
        version: 1,
        producedBy: null,
        consumedBy: [],
        inspections: [],
        nonconformances: [],
        updatedAt: t.updatedAt,
      };
      const item = {
        number: `I-${randomUUID()}`,
        revision: 'A',
        baseUom: 'EA',
        lotControlled: true,
        uomConversions: [],
      };
      const reference = {
        plants: [{ code: 'P1', name: 'One' }],
        workCenters: [{ plant: 'P1', code: 'WC' }],
        items: [item, { ...item, revision: 'B' }],
      };
      expect(
        await store.commit({
          transaction: t,
          audit: [],
          outbox: [],
          exceptions: [],
          reference,
          lots: [{ record: lot, expectedVersion: 0 }],
        }),
      ).toEqual({ ok: true });
      expect(await store.getPlant('P1')).toEqual({ code: 'P1', name: 'One' });
      expect((await store.listWorkCenters('P1')).map((w) => w.code)).toContain('WC');
      expect((await store.listItemRevisions(item.number)).map((i) => i.revision)).toEqual(['A', 'B']);
      expect(await store.getLot('P1', lot.lotNumber)).toEqual(lot);
      const stale = await store.commit({
        transaction: aTransaction(),
        audit: [],
        outbox: [],
        exceptions: [],
        lots: [{ record: { ...lot, version: 2, quantity: 1 }, expectedVersion: 0 }],
      });
      expect(stale).toEqual({ ok: false, conflict: 'lot-version' });
      expect(
        await store.commit({
          transaction: aTransaction(),
          audit: [],
          outbox: [],
          exceptions: [],
          lots: [{ record: { ...lot, version: 2, quantity: 1 }, expectedVersion: 1 }],
        }),
      ).toEqual({ ok: true });
      expect((await store.getLot('P1', lot.lotNumber))?.quantity).toBe(1);
    });

    it('finds the lot a serial number was produced into, per item', async () => {
      const lot = {
        plant: 'PS',
        lotNumber: 'LOT-S',
        item: 'FG-S',
        status: 'BLOCKED' as const,
        expiresAt: null,
        quantity: 2,
        uom: 'EA',
        version: 1,
        producedBy: { orderNumber: 'PO-S', quantity: 2, uom: 'EA', at: '2026-12-01T00:00:00.000Z' },
        consumedBy: [],
        inspections: [],
        nonconformances: [],
        serialNumbers: ['SN-1', 'SN-2'],
        updatedAt: '2026-12-01T00:00:00.000Z',
      };
      const other = { ...lot, lotNumber: 'LOT-T', item: 'FG-T', serialNumbers: ['SN-2'] };
      await store.commit({
        transaction: aTransaction(),
        audit: [],
        outbox: [],
        exceptions: [],
        lots: [
          { record: lot, expectedVersion: 0 },
          { record: other, expectedVersion: 0 },
        ],
      });
      expect(await store.findSerials('PS', 'SN-1')).toEqual([{ item: 'FG-S', lotNumber: 'LOT-S' }]);
      expect(await store.findSerials('PS', 'SN-2')).toEqual([
        { item: 'FG-S', lotNumber: 'LOT-S' },
        { item: 'FG-T', lotNumber: 'LOT-T' },
      ]);
      expect(await store.findSerials('OTHER', 'SN-1')).toEqual([]);
      expect((await store.usedSerials('PS', 'FG-S', ['SN-2', 'SN-9', 'SN-1'])).sort()).toEqual(['SN-1', 'SN-2']);
      expect(await store.usedSerials('PS', 'FG-T', ['SN-1'])).toEqual([]);
    });

    it('keeps what ERP postings of a plant and its work centres carry, and replaces it with the next upsert', async () => {
      const upsert = (reference: Pick<UpsertReferenceData, 'plants' | 'workCenters' | 'items'>) =>
        store.commit({ transaction: aTransaction(), audit: [], outbox: [], exceptions: [], reference });
      await upsert({
        plants: [{ code: 'PE', name: 'Enriched', erpPlant: '2000', settlementReceiver: 'MAT-1' }],
        workCenters: [{ plant: 'PE', code: 'WC-E', costCenter: 'CC-1', activityType: 'LAB' }],
        items: [],
      });
      expect(await store.getPlant('PE')).toEqual({
        code: 'PE',
        name: 'Enriched',
        erpPlant: '2000',
        settlementReceiver: 'MAT-1',
      });
      expect(await store.listWorkCenters('PE')).toEqual([
        { plant: 'PE', code: 'WC-E', costCenter: 'CC-1', activityType: 'LAB' },
      ]);
      await upsert({
        plants: [{ code: 'PE', name: 'Renamed' }],
        workCenters: [{ plant: 'PE', code: 'WC-E' }],
        items: [],
      });
      expect(await store.getPlant('PE')).toEqual({ code: 'PE', name: 'Renamed' });
      expect(await store.listWorkCenters('PE')).toEqual([{ plant: 'PE', code: 'WC-E' }]);
    });

    it('opens an exception outside any transaction, once per id', async () => {
      const t = aTransaction();
      const { correlationId, receivedAt } = t.envelope;
      const exception = anException({
        id: `${correlationId}:unreadable`,
        type: 'VALIDATION',
        reason: 'unreadable',
        plant: '*',
        orderNumber: '',
        correlationId,
        messageType: 'x',
        payload: { raw: true },
        rule: 'message.readable',
        createdAt: receivedAt,
      });
      const audit = [
        {
          at: receivedAt,
          subject: 'unreadable-messages',
          action: 'message.unreadable',
          actor: 'system:worker',
          correlationId,
          detail: {},
        },
      ];
      await store.openException(exception, audit);
      await store.openException(exception, audit);
      expect(await store.getException(exception.id)).toEqual(exception);
      expect(
        (await store.listExceptions({ plant: '*' }, { first: 50 })).items.filter((e) => e.id === exception.id),
      ).toHaveLength(1);
    });

    it('counts starts of a redelivered message, per message, durably', async () => {
      const id = randomUUID();
      expect(await store.countRedeliveredStart(id)).toBe(1);
      expect(await store.countRedeliveredStart(id)).toBe(2);
      expect(await store.countRedeliveredStart(randomUUID())).toBe(1);
      expect(await store.countRedeliveredStart(id)).toBe(3);
    });

    it('passes a business key to the replay that supersedes its holder, once, and marks the original', async () => {
      const original = aTransaction({ envelope: { fingerprint: 'refused' } });
      await store.recordSubmission(original);
      const { businessKey } = original.envelope;
      const replay = aTransaction({ envelope: { businessKey, fingerprint: 'corrected' } });
      expect(await store.recordSubmission(replay)).toMatchObject({ outcome: 'conflict' });
      const supersedes = original.envelope.correlationId;
      expect(await store.recordSubmission(replay, { supersedes })).toEqual({ outcome: 'accepted' });
      expect((await store.getTransaction(supersedes))?.supersededBy).toBe(replay.envelope.correlationId);
      // The key is the replay's now: the same content is its duplicate, and a second replay of the original fails.
      const resend = aTransaction({ envelope: { businessKey, fingerprint: 'corrected' } });
      expect(await store.recordSubmission(resend)).toMatchObject({
        outcome: 'duplicate',
        correlationId: replay.envelope.correlationId,
        published: false,
      });
      const second = aTransaction({ envelope: { businessKey, fingerprint: 'other' } });
      expect(await store.recordSubmission(second, { supersedes })).toMatchObject({ outcome: 'conflict' });
      // Unpublished: the sweeper publishes a replay whose gateway died before the broker confirmed it.
      const stranded = await store.claimStrandedSubmissions(new Date(Date.now() + 60_000).toISOString(), 100, 1000);
      expect(stranded.map((t) => t.envelope.correlationId)).toContain(replay.envelope.correlationId);
    });

    it('changes an exception only at the version it was read at, with its audit entry', async () => {
      const t = aTransaction({ status: 'QUARANTINED' });
      const { correlationId, receivedAt, scope } = t.envelope;
      const exception = anException({
        id: `${correlationId}:r`,
        type: 'VALIDATION',
        reason: 'r',
        plant: scope.plant,
        orderNumber: scope.orderNumber,
        correlationId,
        messageType: 'ReportMaterialConsumption',
        payload: { lot: 'L-1' },
        rule: 'consumption.lot-expiry',
        createdAt: receivedAt,
      });
      await store.commit({
        transaction: { ...t, exceptionId: exception.id },
        audit: [],
        outbox: [],
        exceptions: [exception],
      });
      const assigned = { ...exception, assignee: 'ana', version: 2 };
      const entry = {
        at: receivedAt,
        subject: `order:${scope.plant}:${scope.orderNumber}`,
        action: 'exception.assigned',
        actor: 'key:a',
        correlationId,
        detail: { concerns: { lot: 'L-1' } },
      };
      expect(await store.updateExceptions([{ record: assigned, expectedVersion: 1 }], [entry])).toEqual({ ok: true });
      const stale = { ...exception, status: 'DISCARDED' as const, version: 2 };
      expect(await store.updateExceptions([{ record: stale, expectedVersion: 1 }], [entry])).toEqual({
        ok: false,
        conflict: 'exception-version',
      });
      expect(await store.getException(exception.id)).toEqual(assigned);
      expect(
        (await store.listExceptions({ plant: scope.plant, owner: 'SUPPLY_CHAIN', assignee: 'ana' }, { first: 5 }))
          .totalCount,
      ).toBe(1);
      // The refused update wrote no audit entry either.
      expect((await store.listAudit(entry.subject)).map((e) => e.action)).toEqual(['exception.assigned']);
    });

    it('finds audit trails by order and by lot, and verifies every chain of a plant', async () => {
      const plant = `P-${randomUUID()}`;
      const entry = (orderNumber: string, lot: string | null, action: string) => ({
        at: new Date().toISOString(),
        subject: `order:${plant}:${orderNumber}`,
        action,
        actor: 'test',
        correlationId: randomUUID(),
        detail: lot ? { concerns: { lot } } : {},
      });
      const t = aTransaction({ envelope: { scope: { plant, orderNumber: 'A' } } });
      await store.commit({
        transaction: t,
        audit: [
          entry('A', 'L-1', 'one'),
          entry('A', null, 'two'),
          entry('B', 'L-1', 'three'),
          entry('B', 'L-2', 'four'),
        ],
        outbox: [],
        exceptions: [],
      });
      expect((await store.auditTrail({ plant, orderNumber: 'A' })).map((e) => e.action)).toEqual(['one', 'two']);
      expect((await store.auditTrail({ plant, lot: 'L-1' })).map((e) => e.action).sort()).toEqual(['one', 'three']);
      expect(await store.auditTrail({ plant: `${plant}-other`, lot: 'L-1' })).toEqual([]);
      expect(await store.verifyAuditChain(`order:${plant}:`)).toEqual({
        ok: true,
        entriesChecked: 4,
        firstBrokenEntry: null,
      });
      const page = await store.scanAudit(`order:${plant}:`, null, 3);
      expect(page.entries.map((e) => e.action)).toEqual(['one', 'two', 'three']);
      const rest = await store.scanAudit(`order:${plant}:`, page.next, 3);
      expect(rest).toMatchObject({ entries: [{ action: 'four' }], next: null });
    });

    it('monitors interfaces: transactions by type, sender and status, open exceptions, within plants', async () => {
      const plant = `P-${randomUUID()}`;
      const applied = aTransaction({ envelope: { scope: { plant, orderNumber: 'A' } }, status: 'APPLIED' });
      await store.commit({ transaction: applied, audit: [], outbox: [], exceptions: [] });
      const refused = aTransaction({ envelope: { scope: { plant, orderNumber: 'B' } }, status: 'QUARANTINED' });
      const { correlationId, receivedAt } = refused.envelope;
      await store.commit({
        transaction: { ...refused, exceptionId: `${correlationId}:r` },
        audit: [],
        outbox: [],
        exceptions: [
          anException({
            id: `${correlationId}:r`,
            type: 'SEQUENCE',
            reason: 'r',
            plant,
            orderNumber: 'B',
            correlationId,
            messageType: 'ReleaseProductionOrder',
            payload: {},
            rule: 'r',
            createdAt: receivedAt,
          }),
        ],
      });
      expect(await store.interfaceMonitor([plant])).toEqual([
        {
          plant,
          messageType: 'ReleaseProductionOrder',
          system: 'test-principal',
          byStatus: expect.arrayContaining([
            { status: 'APPLIED', count: 1 },
            { status: 'QUARANTINED', count: 1 },
          ]),
          openExceptions: [{ type: 'SEQUENCE', count: 1, oldestCreatedAt: receivedAt }],
        },
      ]);
      expect(await store.interfaceMonitor([])).toEqual([]);
    });

    it('answers a ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
