import { describe, expect, it } from 'vitest';
import { blockingException, dependsOn } from '../../core/exceptions/exception.dependency';
import type { Command } from '../../core/messages/message.registry';
import type { ExceptionType } from '../../core/ports/records';
import { anException } from '../support/records.fixture';
import { completion, consumption, inspection, operationEvent } from '../support/event.fixture';

const refusal = (messageType: string, payload: object, type: ExceptionType = 'VALIDATION', id = 'x') =>
  anException({
    id,
    type,
    reason: 'r',
    plant: 'P100',
    orderNumber: 'PO-1000',
    correlationId: 'c',
    messageType,
    payload,
    rule: 'r',
    createdAt: '2026-12-01T00:00:00.000Z',
  });
const command = (messageType: string, payload: object) => ({ messageType, payload }) as unknown as Command;

/** Which later events of an order wait behind a refused one: replaying it must not find them already applied. */
describe('the dependency of an event on a refused event of its order', () => {
  const op10 = refusal('ReportOperationEvent', operationEvent({ operationSequence: 10 }));
  it.each([
    [
      'a later event of the same operation',
      command('ReportOperationEvent', operationEvent({ eventType: 'COMPLETE' })),
      op10,
      true,
    ],
    [
      'an event of another operation',
      command('ReportOperationEvent', operationEvent({ operationSequence: 20 })),
      op10,
      false,
    ],
    [
      'the completion, after a refused operation event',
      command('ReportProductionCompletion', completion()),
      op10,
      true,
    ],
    [
      'the completion, after a refused consumption',
      command('ReportProductionCompletion', completion()),
      refusal('ReportMaterialConsumption', consumption()),
      true,
    ],
    [
      'an operation event, after a refused consumption',
      command('ReportOperationEvent', operationEvent()),
      refusal('ReportMaterialConsumption', consumption()),
      false,
    ],
    [
      "the inspection of the refused completion's lot",
      command('RecordInspectionResult', inspection({ lot: 'FG-1' })),
      refusal('ReportProductionCompletion', completion({ lot: 'FG-1' })),
      true,
    ],
    [
      'the inspection of another lot',
      command('RecordInspectionResult', inspection({ lot: 'FG-2' })),
      refusal('ReportProductionCompletion', completion({ lot: 'FG-1' })),
      false,
    ],
    [
      'anything after a refused release, but a release',
      command('ReportMaterialConsumption', consumption()),
      refusal('ReleaseProductionOrder', {}),
      true,
    ],
    [
      'anything after a conflicting resend (its original was applied)',
      command('ReportOperationEvent', operationEvent()),
      refusal('ReportOperationEvent', operationEvent(), 'DUPLICATE_CONFLICT'),
      false,
    ],
    [
      'anything after a posting that did not leave (its change was applied)',
      command('ReportProductionCompletion', completion()),
      refusal('ReportMaterialConsumption', consumption(), 'DOWNSTREAM'),
      false,
    ],
  ])('%s: %s', (_name, cmd, exception, expected) => {
    expect(dependsOn(cmd, exception)).toBe(expected);
  });

  it('never holds a replay behind the exception it answers, only behind an earlier one', () => {
    const first = refusal('ReportOperationEvent', operationEvent(), 'VALIDATION', 'first');
    const second = refusal('ReportOperationEvent', operationEvent({ eventType: 'COMPLETE' }), 'VALIDATION', 'second');
    const replayOfSecond = command('ReportOperationEvent', operationEvent({ eventType: 'COMPLETE' }));
    expect(blockingException(replayOfSecond, [first, second], 'second')?.id).toBe('first');
    expect(blockingException(replayOfSecond, [second], 'second')).toBeUndefined();
  });
});
