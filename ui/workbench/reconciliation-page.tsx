import { useCallback, useState } from 'react';
import { graphql, type Principal } from './api';
import { usePolling } from './polling';
import { duration, Table, time } from './table';

const RECONCILIATION = `query R($plant: String!) {
  reconciliationRuns(plant: $plant, first: 10) {
    nodes { id scope status startedAt durationSeconds ordersChecked lotsChecked driftsFound driftsClosed error }
  }
  drifts(filter: { plant: $plant }, first: 50) {
    nodes {
      id system field orderNumber lot plantgateValue systemValue status owner ageSeconds
      correction { description }
    }
  }
}`;

interface Run {
  id: string;
  scope: string;
  status: string;
  startedAt: string;
  durationSeconds: number | null;
  ordersChecked: number;
  lotsChecked: number;
  driftsFound: number;
  driftsClosed: number;
  error: string | null;
}

interface Drift {
  id: string;
  system: string;
  field: string;
  orderNumber: string | null;
  lot: string | null;
  plantgateValue: unknown;
  systemValue: unknown;
  status: string;
  owner: string;
  ageSeconds: number;
  correction: { description: string } | null;
}

/** A plant's reconciliation runs and drifts; the owner of a drift approves or rejects its proposed correction. */
export function ReconciliationPage(props: { me: Principal }) {
  const [plant, setPlant] = useState(props.me.plants.find((p) => p !== '*') ?? '');
  const [data, setData] = useState<{ runs: Run[]; drifts: Drift[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    if (!plant) return;
    try {
      const answer = await graphql<{ reconciliationRuns: { nodes: Run[] }; drifts: { nodes: Drift[] } }>(
        RECONCILIATION,
        { plant },
      );
      setData({ runs: answer.reconciliationRuns.nodes, drifts: answer.drifts.nodes });
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [plant]);
  usePolling(load);
  const act = async (mutation: string, driftId: string) => {
    try {
      await graphql(`mutation D($id: ID!, $note: String!) { ${mutation}(driftId: $id, note: $note) { id } }`, {
        id: driftId,
        note: `${mutation === 'approveCorrection' ? 'approved' : 'rejected'} in the workbench`,
      });
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const may = (d: Drift) =>
    d.status === 'CORRECTION_PROPOSED' && (props.me.roles.includes(d.owner) || props.me.roles.includes('ADMIN'));
  return (
    <section aria-label="Reconciliation" className="reconciliation">
      <label>
        Plant
        <input value={plant} onChange={(e) => setPlant(e.target.value)} />
      </label>
      {error ? <p role="alert">{error}</p> : null}
      <Table
        caption="Runs"
        head={['Started', 'Scope', 'Status', 'Took', 'Checked', 'Drifts found / closed']}
        rows={(data?.runs ?? []).map((r) => [
          time(r.startedAt),
          r.scope,
          r.error ? `${r.status}: ${r.error}` : r.status,
          r.durationSeconds === null ? '—' : duration(r.durationSeconds),
          `${r.ordersChecked} orders, ${r.lotsChecked} lots`,
          `${r.driftsFound} / ${r.driftsClosed}`,
        ])}
      />
      <table>
        <caption>Drifts</caption>
        <thead>
          <tr>
            <th>System</th>
            <th>Field</th>
            <th>Order / lot</th>
            <th>Plantgate / system</th>
            <th>Status</th>
            <th>Correction</th>
          </tr>
        </thead>
        <tbody>
          {(data?.drifts ?? []).map((d) => (
            <tr key={d.id}>
              <td>{d.system}</td>
              <td>{d.field}</td>
              <td>{d.orderNumber ?? d.lot}</td>
              <td>
                {JSON.stringify(d.plantgateValue)} / {JSON.stringify(d.systemValue)}
              </td>
              <td>
                {d.status} ({duration(d.ageSeconds)}, owner {d.owner})
              </td>
              <td>
                {d.correction?.description ?? '—'}{' '}
                {d.status === 'CORRECTION_PROPOSED' ? (
                  <>
                    <button disabled={!may(d)} onClick={() => void act('approveCorrection', d.id)}>
                      Approve
                    </button>
                    <button disabled={!may(d)} onClick={() => void act('rejectCorrection', d.id)}>
                      Reject
                    </button>
                    {may(d) ? null : <span className="why">needs {d.owner} or ADMIN</span>}
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
