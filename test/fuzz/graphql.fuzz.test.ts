import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../app/runtime';
import { MESSAGE_SLICES, messageTypeOfMutation, mutationOf, sliceOf } from '../../core/messages/message.registry';
import { submitMutationDocument } from '../../resolvers/submit-mutation';
import { queuesDepth } from '../support/broker';
import {
  completion,
  consumption,
  inspection,
  nonconformance,
  operationEvent,
  postingAck,
} from '../support/event.fixture';
import { createTestInstallation, type TestInstallation } from '../support/harness';
import { acknowledgeInput, releaseInput } from '../support/order.fixture';
import { referenceData } from '../support/reference.fixture';

/** A valid input of every submit mutation: the fuzzer breaks them. */
const VALID: Record<string, Record<string, unknown>> = {
  releaseProductionOrder: releaseInput() as unknown as Record<string, unknown>,
  acknowledgeProductionOrder: acknowledgeInput(releaseInput()) as unknown as Record<string, unknown>,
  reportOperationEvent: operationEvent() as unknown as Record<string, unknown>,
  reportMaterialConsumption: consumption() as unknown as Record<string, unknown>,
  reportProductionCompletion: completion() as unknown as Record<string, unknown>,
  recordInspectionResult: inspection() as unknown as Record<string, unknown>,
  reportNonconformance: nonconformance() as unknown as Record<string, unknown>,
  upsertReferenceData: referenceData() as unknown as Record<string, unknown>,
  acknowledgePosting: postingAck('erp|confirmation|P100|PO-1000|10|x') as unknown as Record<string, unknown>,
};

/** Values of every wrong kind and every boundary a field can be given. */
const hostile = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.constant('   '),
  fc.string({ maxLength: 20 }),
  fc.string({ minLength: 3000, maxLength: 5000 }),
  fc.constantFrom(
    '2026-13-45T25:61:00Z',
    'not a date',
    '0000-00-00',
    '\u0000',
    '😀'.repeat(50),
    '<script>',
    "'; DROP TABLE orders; --",
  ),
  fc.integer(),
  fc.constantFrom(0, -1, -0, 1e308, -1e308, 2 ** 53 + 1, 0.0000001),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.array(fc.anything(), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.anything(), { maxKeys: 5 }),
  fc.constant(Array.from({ length: 2000 }, (_, i) => ({ sequence: i + 1, workCenter: 'W', description: 'D' }))),
);

/** A valid input broken in one to three places: a field dropped, replaced by a hostile value, or an unknown one added. */
function brokenInput(valid: Record<string, unknown>) {
  const fields = Object.keys(valid);
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('drop' as const), field: fc.constantFrom(...fields) }),
    fc.record({ kind: fc.constant('set' as const), field: fc.constantFrom(...fields), value: hostile }),
    fc.record({ kind: fc.constant('nest' as const), field: fc.constantFrom(...fields), value: hostile }),
    fc.record({ kind: fc.constant('add' as const), field: fc.string({ minLength: 1, maxLength: 10 }), value: hostile }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
    const input: Record<string, unknown> = structuredClone(valid);
    for (const edit of edits) {
      // A copy of the value: generated constants are shared between runs and must not be edited in place.
      const e = 'value' in edit ? { ...edit, value: structuredClone(edit.value) } : edit;
      if (e.kind === 'drop') delete input[e.field];
      else if (e.kind === 'nest' && Array.isArray(input[e.field]) && (input[e.field] as unknown[]).length) {
        (input[e.field] as Record<string, unknown>[])[0] = {
          ...((input[e.field] as Record<string, unknown>[])[0] ?? {}),
          [Object.keys((input[e.field] as Record<string, unknown>[])[0] ?? { x: 1 })[0] ?? 'x']: e.value,
        };
      } else input[e.field] = e.value;
    }
    return input;
  });
}

interface Answer {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: { code?: string; field?: string } }[];
  } | null;
}

/**
 * Property-based fuzzing of the GraphQL surface: malformed, oversized, deeply nested, wrongly typed and boundary
 * inputs for every mutation and query. The server never crashes or hangs, every refusal is a GraphQL error with a
 * code (and the field, where the input has one), nothing malformed is recorded or published, /readyz stays green.
 */
describe('fuzzing the GraphQL surface', () => {
  let installation: TestInstallation;
  let gateway: Runtime;
  let accepted = 0;

  beforeAll(async () => {
    // A gateway and no worker: whatever the gateway publishes stays countable in the partition queues. The rate limit
    // is lifted: on a fast machine the fuzzer sends more than 500 requests a second, and test/auth/limits covers it.
    installation = createTestInstallation('fuzz', { RATE_LIMIT_PER_S: '1000000' });
    gateway = await installation.start('gateway');
  });
  afterAll(() => installation.cleanup());

  async function post(body: string): Promise<Answer> {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) as Answer['body'] };
    } catch {
      return { status: response.status, body: null };
    }
  }

  /** What every answer must be: not a 5xx, JSON, and each error with a code that is not an internal one. */
  function assertWellRefused(answer: Answer) {
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
    expect(answer.body).not.toBeNull();
    for (const error of answer.body!.errors ?? []) {
      expect(typeof error.extensions?.code, JSON.stringify(error)).toBe('string');
      expect(error.extensions!.code, JSON.stringify(error)).not.toBe('INTERNAL_SERVER_ERROR');
    }
  }

  it('refuses broken inputs of every submit mutation with BAD_USER_INPUT naming the field, and accepts only well-formed ones', async () => {
    const mutation = fc.constantFrom(...Object.keys(VALID));
    const cases = mutation.chain((name) => brokenInput(VALID[name]!).map((input) => ({ name, input })));
    await fc.assert(
      fc.asyncProperty(cases, async ({ name, input }) => {
        const answer = await post(JSON.stringify({ query: submitMutationDocument(name), variables: { input } }));
        assertWellRefused(answer);
        const result = answer.body!.data?.[name] as { status?: string } | undefined;
        if (result) {
          // Accepted only if the slice's shape really accepts it: nothing malformed gets through.
          expect(
            sliceOf(messageTypeOfMutation(name)!).input.safeParse(input).success,
            JSON.stringify(input).slice(0, 300),
          ).toBe(true);
          if (result.status === 'ACCEPTED') accepted += 1;
          return;
        }
        const [error] = answer.body!.errors!;
        expect(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'DUPLICATE_CONFLICT']).toContain(
          error!.extensions!.code,
        );
        if (error!.extensions!.code === 'BAD_USER_INPUT' && answer.status === 200)
          expect(error!.extensions!.field).toMatch(/^input/);
      }),
      { numRuns: 1500 },
    );
  }, 180_000);

  it('answers queries with hostile arguments, and malformed documents, with a coded error', async () => {
    const queries = fc.oneof(
      fc.record({ first: hostile, after: hostile }).map((v) => ({
        query:
          'query($first: Int, $after: String) { productionOrders(first: $first, after: $after) { totalCount edges { cursor } } }',
        variables: v,
      })),
      fc.record({ first: hostile, after: hostile, plant: hostile }).map((v) => ({
        query:
          'query($first: Int, $after: String, $plant: String) { exceptions(filter: { plant: $plant }, first: $first, after: $after) { totalCount } }',
        variables: v,
      })),
      fc
        .record({ id: hostile })
        .map((v) => ({ query: 'query($id: ID!) { transaction(correlationId: $id) { status } }', variables: v })),
      fc.record({ lot: hostile, plant: hostile }).map((v) => ({
        query: 'query($lot: String!, $plant: String!) { lot(lotNumber: $lot, plant: $plant) { item } }',
        variables: v,
      })),
      fc.record({ o: hostile, p: hostile }).map((v) => ({
        query: 'query($o: String!, $p: String!) { productionOrder(orderNumber: $o, plant: $p) { state } }',
        variables: v,
      })),
      fc.record({ s: hostile }).map((v) => ({
        query: 'query($s: Int) { stalledTransactions(olderThanSeconds: $s) { totalCount } }',
        variables: v,
      })),
      fc.integer({ min: 1, max: 300 }).map((depth) => ({
        query: `{ ${'productionOrders { nodes { '.repeat(depth)}state${' } }'.repeat(depth)} }`,
        variables: {},
      })),
      fc.integer({ min: 1, max: 500 }).map((n) => ({
        query: `{ ${Array.from({ length: n }, (_, i) => `a${i}: serviceInfo { name }`).join(' ')} }`,
        variables: {},
      })),
      fc.string({ maxLength: 300 }).map((query) => ({ query, variables: {} })),
    );
    await fc.assert(
      fc.asyncProperty(queries, async (request) => assertWellRefused(await post(JSON.stringify(request)))),
      { numRuns: 1200 },
    );
    // A cursor no list handed out is refused, naming the argument, never read as an empty or a first page.
    for (const list of ['productionOrders', 'exceptions']) {
      const answer = await post(
        JSON.stringify({ query: `{ ${list}(first: 5, after: "bm90LWEtY3Vyc29y") { totalCount } }` }),
      );
      expect(answer.body?.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
      expect(answer.body?.data).toBeNull();
    }
    for (const body of [
      '',
      '{',
      'null',
      '[]',
      '{"query": 42}',
      '{"query": "{ serviceInfo { name } }", "variables": "x"}',
      'x'.repeat(2000),
    ])
      assertWellRefused(await post(body));
  }, 180_000);

  it('kept everything accepted well-formed, published exactly that, and stayed ready', async () => {
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    let published = 0;
    for (let i = 0; i < gateway.topology.partitions; i++)
      published += await queuesDepth([gateway.topology.names.partition(i)]);
    expect(published).toBe(accepted);
    for (const { messageType } of MESSAGE_SLICES) {
      const recorded = await gateway.store.listTransactionsByOrder('P100', 'PO-1000');
      for (const t of recorded.filter((r) => r.envelope.command.messageType === messageType)) {
        expect(
          sliceOf(messageType).input.safeParse(t.envelope.command.payload).success,
          `${mutationOf(messageType)} recorded malformed`,
        ).toBe(true);
      }
    }
  });
});
