import autocannon from 'autocannon';
import type { LoadOptions } from '../processes';
import { benchRelease } from './release-input';

/**
 * The load generator, run as its own process so that it does not share a CPU queue with the server it measures.
 * argv[2]: JSON { url, kind: 'release' | 'bare' | 'read' | 'read-local', connections, seconds, rate?, authorization? }. Prints JSON results.
 */
const options = JSON.parse(process.argv[2]!) as LoadOptions;
let counter = 0;

const RELEASE =
  'mutation($i: ReleaseProductionOrderInput!) { releaseProductionOrder(input: $i) { correlationId status } }';
const READ =
  '{ productionOrders(filter: { plant: "P1" }, first: 50) { totalCount nodes { orderNumber state erp { status } mes { acknowledged } quality { inspections { inspectionId } } } } }';
/** The same page without the live views: what the store alone costs. */
const READ_LOCAL =
  '{ productionOrders(filter: { plant: "P1" }, first: 50) { totalCount nodes { orderNumber state } } }';

function body(): string {
  if (options.kind === 'read') return JSON.stringify({ query: READ });
  if (options.kind === 'read-local') return JSON.stringify({ query: READ_LOCAL });
  counter += 1;
  const input = benchRelease(
    `${options.prefix}-${process.pid}-${counter}`,
    options.plant ?? (counter % 2 ? 'P1' : 'P2'),
  );
  // The bare server answers the same mutation text with the same input: only Plantgate's work differs.
  return JSON.stringify({
    query: options.kind === 'bare' ? RELEASE.replace('ReleaseProductionOrderInput', 'JSON') : RELEASE,
    variables: { i: input },
  });
}

const instance = autocannon(
  {
    url: `${options.url}/graphql`,
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.authorization ? { authorization: options.authorization } : {}),
        },
        setupRequest: (req) => ({ ...req, body: body() }),
      },
    ],
  },
  (error, result) => {
    if (error) {
      console.error(error);
      process.exit(1);
    }
    console.log(
      JSON.stringify({
        requests: result.requests.total,
        rps: result.requests.total / options.seconds,
        non2xx: result.non2xx,
        errors: result.errors,
        latencyP50: result.latency.p50,
        latencyP99: result.latency.p99,
      }),
    );
  },
);
instance.on('error', () => undefined);
