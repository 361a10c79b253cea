import { describe, expect, it } from 'vitest';
import type { Command } from '../../core/messages/message.registry';
import { businessKeyOf, fingerprintOf } from '../../core/idempotency/business-key';
import { decideReferenceData } from '../../core/reference/reference-data.rules';
import { DEFAULT_RULE_SET } from '../../core/rules/rule-set';
import { consumption, operationEvent } from '../support/event.fixture';
import { decisionInputs, referenceData } from '../support/reference.fixture';

const event = (overrides: Parameters<typeof operationEvent>[0] = {}): Command => ({
  messageType: 'ReportOperationEvent',
  payload: operationEvent(overrides),
});

describe('business keys', () => {
  it('identify an operation event by plant, order, operation, event type, equipment and timestamp bucket, not by messageId', () => {
    const a = event({ occurredAt: '2026-12-01T07:00:00.100Z', messageId: 'm1' });
    const resend = event({ occurredAt: '2026-12-01T07:00:00.900Z', messageId: 'm2' });
    expect(businessKeyOf(resend, 1000)).toBe(businessKeyOf(a, 1000));
    expect(fingerprintOf(resend)).toBe(fingerprintOf(a));
    expect(businessKeyOf(event({ occurredAt: '2026-12-01T07:00:01.000Z' }), 1000)).not.toBe(businessKeyOf(a, 1000));
    expect(businessKeyOf(event({ occurredAt: '2026-12-01T07:00:01.000Z' }), 60_000)).toBe(businessKeyOf(a, 60_000));
    expect(businessKeyOf(event({ equipment: 'SAW-2' }), 1000)).not.toBe(businessKeyOf(event(), 1000));
    expect(businessKeyOf(event({ eventType: 'PAUSE' }), 1000)).not.toBe(businessKeyOf(event(), 1000));
  });

  it('give a different fingerprint to the same key with other content', () => {
    const a: Command = { messageType: 'ReportMaterialConsumption', payload: consumption({ quantity: 10 }) };
    const b: Command = { messageType: 'ReportMaterialConsumption', payload: consumption({ quantity: 11 }) };
    expect(businessKeyOf(a, 1000)).toBe(businessKeyOf(b, 1000));
    expect(fingerprintOf(a)).not.toBe(fingerprintOf(b));
  });
});

describe('reference data', () => {
  const ctx = { now: '2026-12-01T08:00:00.000Z', correlationId: 'c', rules: DEFAULT_RULE_SET };
  it('upserts plants, work centers, items and lots together', () => {
    const decision = decideReferenceData(
      referenceData(['P9']),
      decisionInputs({ knownPlants: new Set(), items: new Map() }),
      ctx,
    );
    expect(decision).toMatchObject({ kind: 'apply', reference: { plants: [{ code: 'P9' }] } });
    if (decision.kind === 'apply') expect(decision.lots).toHaveLength(4);
  });

  it('refuses the whole upsert when a lot names an unknown item or plant', () => {
    const data = referenceData(['P9']);
    expect(
      decideReferenceData(
        { ...data, lots: [{ ...data.lots[0]!, item: 'NOPE' }] },
        decisionInputs({ knownPlants: new Set(), items: new Map() }),
        ctx,
      ),
    ).toMatchObject({ type: 'VALIDATION', rule: 'reference.item' });
    expect(
      decideReferenceData({ ...data, plants: [] }, decisionInputs({ knownPlants: new Set(), items: new Map() }), ctx),
    ).toMatchObject({ type: 'VALIDATION', rule: 'reference.plant' });
  });
});
