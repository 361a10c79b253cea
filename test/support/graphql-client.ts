/** A GraphQL call over real HTTP, as an integrator's client makes it. */
export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ data: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[]; status: number }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data: T | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  return { ...body, status: response.status };
}

/** Like gql, but fails the test on any GraphQL error. */
export async function gqlOk<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<T> {
  const result = await gql<T>(url, query, variables, headers);
  if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}

export const RELEASE = `mutation Release($input: ReleaseProductionOrderInput!) {
  releaseProductionOrder(input: $input) { correlationId status }
}`;

export const ACKNOWLEDGE = `mutation Acknowledge($input: AcknowledgeProductionOrderInput!) {
  acknowledgeProductionOrder(input: $input) { correlationId status }
}`;

export const TRANSACTION = `query Transaction($correlationId: ID!) {
  transaction(correlationId: $correlationId) {
    correlationId messageType businessKey status attempts appliedVersion lastError
    exception { id type reason status rule ruleSetVersion }
  }
}`;

export const ORDER = `query Order($orderNumber: String!, $plant: String!) {
  productionOrder(orderNumber: $orderNumber, plant: $plant) {
    orderNumber plant state version item itemRevision routingRevision specRevision quantity uom
    operations { sequence workCenter state yieldQuantity scrapQuantity }
    timeline { at state correlationId cause }
    transactions { correlationId status messageType appliedVersion }
    exceptions { id type reason rule }
    materialConsumptions { item lot quantity uom operationSequence }
    completions { lot quantity uom }
    inspections { inspectionId inspectionType lot result disposition }
    goodsReceipts { lot quantity uom stockStatus status postingKey }
    postings { postingKey postingType status correlationId documentNumber }
    producedQuantity scrapQuantity
  }
}`;

export const LOT = `query Lot($lotNumber: String!, $plant: String!) {
  lot(lotNumber: $lotNumber, plant: $plant) {
    lotNumber item status quantity uom
    producedBy { orderNumber }
    consumedBy { orderNumber }
    components { lotNumber item quantity uom }
    inspections { inspectionId inspectionType result disposition inspector }
    nonconformances { nonconformanceId status }
  }
}`;
