import { describe, expect, it } from 'vitest';
import { runChaos, SHORT_MODE } from '../../bench/chaos/chaos';
import { TEST_AMQP_URL } from '../support/broker';

/**
 * The chaos suite's short mode, on every `npm test`: separate gateway, worker and reference-system processes under
 * SIGKILLs, a cut broker link (its own proxy: other tests share the broker), an ERP outage, and an integrator that
 * resends on every error. What Plantgate answered ACCEPTED or DUPLICATE is applied once, posted once and in order.
 */
describe('chaos, short mode', () => {
  it('loses nothing, applies nothing twice, posts nothing twice or out of sequence', async () => {
    const report = await runChaos(SHORT_MODE(TEST_AMQP_URL, () => undefined));
    expect(report.details).toEqual([]);
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({
      events_lost: 0,
      events_applied_twice: 0,
      postings_made_twice: 0,
      orders_out_of_sequence: 0,
      orders_unfinished: 0,
    });
    expect(report.events_applied).toBe(report.events_accepted);
    expect(report.integrator_resends).toBeGreaterThan(0);
    for (const kind of ['worker_killed', 'broker_link_cut', 'gateway_killed', 'erp_outage', 'reference_systems_killed'])
      expect(report.faults[kind]).toBeGreaterThanOrEqual(2);
  }, 240_000);
});
