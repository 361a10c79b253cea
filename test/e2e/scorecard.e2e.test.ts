import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, planPlantDay } from '../../bench/scorecard/plant-day';
import { runPlantgate } from '../../bench/scorecard/plantgate.run';
import { runPointToPoint } from '../../bench/scorecard/relay.run';

describe('integrity scorecard at a tiny size', () => {
  it('shows zero of every failure for Plantgate and accounts for every injected fault; the relay shows the cost', async () => {
    const day = planPlantDay(16, { seed: 11, faultRate: 0.9 });
    // The day has orders ERP changes, orders completed in two lots and orders ERP cancels.
    expect(new Set(day.orders.map((o) => o.shape))).toEqual(new Set(['standard', 'changed', 'multi_lot', 'cancelled']));
    expect(Object.values(day.injected).reduce((a, b) => a + b, 0)).toBeGreaterThan(8);
    const faults = { errorRate: 0.1, burst429: 3 };
    const plantgate = await runPlantgate(day, faults, { timeoutMs: 60_000 });
    expect(plantgate).toMatchObject({
      postings_applied_twice: 0,
      stock_negative: 0,
      receipts_before_quality_release: 0,
      expired_or_blocked_consumptions: 0,
      outdated_routing_confirmations: 0,
      postings_for_cancelled_orders: 0,
      released_lots_not_received: 0,
      faults_unaccounted: 0,
      events_lost: 0,
    });
    for (const kind of FAULT_KINDS) expect(plantgate.by_fault[kind].caught, kind).toBe(day.injected[kind]);
    expect(plantgate.erp_faults_injected).toBeGreaterThanOrEqual(3);
    // Direct edits in ERP after the day: every one found, and closed after an approved correction; nothing else.
    expect(plantgate.drifts_injected).toBeGreaterThanOrEqual(3);
    expect(plantgate).toMatchObject({
      drifts_found: plantgate.drifts_injected,
      drifts_closed: plantgate.drifts_injected,
      drifts_unexpected: 0,
    });

    const relay = await runPointToPoint(day, faults);
    expect(relay.receipts_before_quality_release).toBeGreaterThan(0);
    expect(relay.postings_for_cancelled_orders).toBeGreaterThan(0);
    expect(relay.faults_caught).toBe(0);
    expect(relay.drifts_injected).toBeGreaterThanOrEqual(3);
    expect(relay.drifts_found).toBe(0);
  }, 120_000);
});
