import { useCallback, useState } from 'react';
import { usePolling } from './polling';
import { duration } from './table';
import { graphql } from './api';

const MONITOR = `query M($plant: String) {
  interfaceMonitor(plant: $plant) {
    plant messageType system byStatus { status count } openExceptions { type count oldestAgeSeconds triageMinutes pastSla }
  }
}`;

interface Row {
  plant: string;
  messageType: string;
  system: string;
  byStatus: { status: string; count: number }[];
  openExceptions: { type: string; count: number; oldestAgeSeconds: number; triageMinutes: number; pastSla: boolean }[];
}

/** The interface monitor: per plant, message type and sender, transactions by status and open exceptions by type. */
export function MonitorPage() {
  const [plant, setPlant] = useState('');
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setRows((await graphql<{ interfaceMonitor: Row[] }>(MONITOR, { plant: plant || null })).interfaceMonitor);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [plant]);
  usePolling(load);
  return (
    <section aria-label="Interface monitor" className="monitor">
      <label>
        Plant
        <input value={plant} onChange={(e) => setPlant(e.target.value)} />
      </label>
      {error ? <p role="alert">{error}</p> : null}
      <table>
        <caption>Interfaces</caption>
        <thead>
          <tr>
            <th>Plant</th>
            <th>Message type</th>
            <th>Sender</th>
            <th>Transactions by status</th>
            <th>Open exceptions (oldest)</th>
          </tr>
        </thead>
        <tbody>
          {(rows ?? []).map((r) => (
            <tr key={`${r.plant}|${r.messageType}|${r.system}`}>
              <td>{r.plant}</td>
              <td>{r.messageType}</td>
              <td>{r.system}</td>
              <td>{r.byStatus.map((s) => `${s.status} ${s.count}`).join(' · ')}</td>
              <td>
                {r.openExceptions.map((e) => (
                  <span
                    key={e.type}
                    className={e.pastSla ? 'breach' : ''}
                    title={`triage within ${e.triageMinutes} min${e.pastSla ? ': SLA breached' : ''}`}
                  >
                    {e.type} {e.count} ({duration(e.oldestAgeSeconds)}
                    {e.pastSla ? ', past SLA' : ''}){' '}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
