import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey } from '../support/auth.fixture';
import { gql } from '../support/graphql-client';
import { createTestInstallation, type TestInstallation } from '../support/harness';

/** `{ serviceInfo { name name … } }` with `n` fields: n + 5 tokens. */
const fields = (n: number) => `{ serviceInfo { ${Array.from({ length: n }, () => 'name').join(' ')} } }`;
/** One page of orders with their transactions: costs 1 + first × (1 + 1 + (1 + 10 × 1)) = 1 + 13 × first. */
const page = (first: number) =>
  `{ productionOrders(first: ${first}) { nodes { orderNumber transactions { status } } } }`;

/**
 * Each limit of the gateway refuses an operation just over it (400, nothing run, the message naming the limit) and
 * accepts one just under or at it; the per-principal rate limit answers 429 with Retry-After and leaves other
 * principals alone.
 */
describe('gateway limits', () => {
  let installation: TestInstallation;
  let url: string;
  let key: string;
  let other: string;
  beforeAll(async () => {
    installation = createTestInstallation('limits', {
      GRAPHQL_MAX_DEPTH: '4',
      GRAPHQL_MAX_ALIASES: '3',
      GRAPHQL_MAX_TOKENS: '60',
      GRAPHQL_MAX_DIRECTIVES: '2',
      GRAPHQL_MAX_COST: '1000',
      RATE_LIMIT_PER_S: '20',
    });
    const gateway = await installation.start('gateway');
    url = gateway.url!;
    key = (await createKey(gateway.store, ['VIEWER'], '*')).key;
    other = (await createKey(gateway.store, ['VIEWER'], '*')).key;
  });
  afterAll(() => installation.cleanup());

  const ask = (query: string, who = key) => gql(url, query, {}, bearer(who));
  const accepted = async (query: string) => {
    const answer = await ask(query);
    expect(answer.errors, query).toBeUndefined();
    expect(answer.status).toBe(200);
  };
  const refused = async (query: string, limit: RegExp, code = 'GRAPHQL_VALIDATION_FAILED') => {
    const answer = await ask(query);
    expect(answer.status, query).toBe(400);
    expect(answer.data ?? undefined).toBeUndefined();
    expect(answer.errors?.[0]?.extensions?.code).toBe(code);
    expect(answer.errors?.[0]?.message).toMatch(limit);
    return answer.errors![0]!;
  };

  it('depth: accepts 4 levels, refuses 5', async () => {
    await accepted('{ productionOrders { nodes { transactions { status } } } }');
    await refused(
      '{ productionOrders { nodes { transactions { exception { id } } } } }',
      /depth limit of 4 exceeded, found 5/,
    );
  });

  it('aliases: accepts 3, refuses 4', async () => {
    await accepted('{ a: serviceInfo { name } b: serviceInfo { name } c: serviceInfo { name } }');
    await refused(
      '{ a: serviceInfo { name } b: serviceInfo { name } c: serviceInfo { name } d: serviceInfo { name } }',
      /aliases limit of 3 exceeded, found 4/i,
    );
  });

  it('directives: accepts 2, refuses 3', async () => {
    await accepted('{ serviceInfo { name @include(if: true) version @skip(if: false) } }');
    await refused(
      '{ serviceInfo { name @include(if: true) version @skip(if: false) time @include(if: true) } }',
      /directives limit of 2 exceeded, found 3/i,
    );
  });

  it('tokens: accepts a document of 60 tokens, refuses one of 61', async () => {
    await accepted(fields(55));
    await refused(fields(56), /contains more tha[nt] 60 tokens/i, 'GRAPHQL_PARSE_FAILED');
  });

  it('cost: a list costs by its first, so the same selection is accepted for 76 items and refused for 77', async () => {
    await accepted(page(76));
    const error = await refused(page(77), /cost limit of 1000 exceeded, found 1002/);
    expect(error.extensions).toMatchObject({ maxCost: 1000, cost: 1002 });
  });

  it('suggests no field names to a stranger: "Did you mean" is off by default', async () => {
    const answer = await ask('{ serviceInfo { nam } }');
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.message).toMatch(/Cannot query field "nam"/);
    expect(answer.errors?.[0]?.message).not.toMatch(/Did you mean|"name"/);
  });

  it('rate: answers 429 with Retry-After past the per-principal limit, and leaves other principals alone', async () => {
    const answers = await Promise.all(
      Array.from({ length: 60 }, () =>
        fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...bearer(key) },
          body: JSON.stringify({ query: '{ serviceInfo { name } }' }),
        }),
      ),
    );
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(40 - 20);
    expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(20);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(
      ((await limited[0]!.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
    ).toBe('RATE_LIMITED');
    expect((await ask('{ serviceInfo { name } }', other)).status).toBe(200);
  });
});

/** With nothing configured, the defaults let every query of the README and the tests through and stop hostile ones. */
describe('default gateway limits', () => {
  let installation: TestInstallation;
  let url: string;
  beforeAll(async () => {
    installation = createTestInstallation('limits-default');
    url = (await installation.start('gateway')).url!;
  });
  afterAll(() => installation.cleanup());

  it('refuse an alias flood, a fan-out of live reads and a deeply nested document, running none of them', async () => {
    const flood = `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: serviceInfo { name }`).join(' ')} }`;
    // Four aliased pages of 200 orders with every transaction and its exception: 4 × (1 + 200 × (1 + 1 + 10 × 3)) = 25,604.
    const page = 'productionOrders(first: 200) { nodes { transactions { exception { id payload } } } }';
    const fanOut = `{ a: ${page} b: ${page} c: ${page} d: ${page} }`;
    const nested = `{ ${'a { '.repeat(12)}b${' }'.repeat(12)} }`;
    for (const [query, limit] of [
      [flood, /aliases limit of 15 exceeded, found 100/i],
      [fanOut, /cost limit of 20000 exceeded, found 25604/i],
      [nested, /depth limit of 10 exceeded, found 13/i],
    ] as const) {
      const answer = await gql(url, query);
      expect(answer.status, query.slice(0, 60)).toBe(400);
      expect(answer.data ?? undefined).toBeUndefined();
      expect(answer.errors?.map((e) => e.message).join(' ')).toMatch(limit);
    }
  });

  it("let an IDE's full introspection through, and refuse introspection that multiplies the schema by itself", async () => {
    const full = await gql(url, getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true }));
    expect(full.errors).toBeUndefined();
    expect((full.data as { __schema: { types: unknown[] } }).__schema.types.length).toBeGreaterThan(50);
    const multiplied = await gql(
      url,
      '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }',
    );
    expect(multiplied.status).toBe(400);
    expect(multiplied.data ?? undefined).toBeUndefined();
    expect(multiplied.errors?.[0]?.message).toMatch(/Introspection nests 4 lists, at most 3 are allowed/);
  });

  it("keep Apollo's CSRF prevention: a simple GET carrying an operation is refused", async () => {
    const response = await fetch(`${url}/graphql?query=${encodeURIComponent('{ serviceInfo { name } }')}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/i);
    const withHeader = await fetch(`${url}/graphql?query=${encodeURIComponent('{ serviceInfo { name } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(withHeader.status).toBe(200);
  });
});
