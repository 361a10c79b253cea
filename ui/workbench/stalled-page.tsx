import { useCallback, useState } from 'react';
import { graphql } from './api';
import { usePolling } from './polling';
import { duration, Table, time } from './table';

const STALLED = `query S($plant: String, $olderThanSeconds: Int) {
  stalledTransactions(plant: $plant, olderThanSeconds: $olderThanSeconds) {
    totalCount
    orders { plant orderNumber state since ageSeconds thresholdSeconds detail }
    transactions { plant orderNumber messageType correlationId state since ageSeconds thresholdSeconds detail }
  }
}`;

interface Item {
  plant: string;
  orderNumber: string;
  messageType?: string | null;
  correlationId?: string | null;
  state: string;
  since: string;
  ageSeconds: number;
  thresholdSeconds: number;
  detail: string | null;
}

/** Orders and transactions sitting in one state longer than its threshold (or than the age asked for). */
export function StalledPage() {
  const [plant, setPlant] = useState('');
  const [olderThan, setOlderThan] = useState('');
  const [report, setReport] = useState<{ totalCount: number; orders: Item[]; transactions: Item[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      const variables = { plant: plant || null, olderThanSeconds: olderThan ? Number(olderThan) : null };
      setReport(
        (await graphql<{ stalledTransactions: NonNullable<typeof report> }>(STALLED, variables)).stalledTransactions,
      );
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [plant, olderThan]);
  usePolling(load);
  const row = (i: Item) => [
    i.plant,
    i.orderNumber,
    i.messageType ?? '',
    i.state,
    time(i.since),
    `${duration(i.ageSeconds)} (threshold ${duration(i.thresholdSeconds)})`,
    i.detail ?? '',
  ];
  const head = ['Plant', 'Order', 'Message', 'State', 'Since', 'Age', 'Waiting for'];
  return (
    <section aria-label="Stalled" className="stalled">
      <form onSubmit={(e) => e.preventDefault()} className="filters">
        <label>
          Plant
          <input value={plant} onChange={(e) => setPlant(e.target.value)} />
        </label>
        <label>
          Older than (seconds, instead of each state's threshold)
          <input type="number" min={1} value={olderThan} onChange={(e) => setOlderThan(e.target.value)} />
        </label>
      </form>
      {error ? <p role="alert">{error}</p> : null}
      <Table
        caption={`Stalled orders (${report?.orders.length ?? 0})`}
        head={head}
        rows={(report?.orders ?? []).map(row)}
      />
      <Table
        caption={`Stalled transactions (${report?.transactions.length ?? 0})`}
        head={head}
        rows={(report?.transactions ?? []).map(row)}
      />
    </section>
  );
}
