import { useCallback, useEffect, useState } from 'react';
import { EXCEPTION_STATUSES, EXCEPTION_TYPES } from '../../core/ports/records';
import { ApiError, graphql, session, type Principal } from './api';
import { usePolling } from './polling';
import { time } from './table';
import { ExceptionDetail, type ExceptionView } from './exception-detail';
import { LotPage } from './lot-page';
import { MonitorPage } from './monitor-page';
import { ReconciliationPage } from './reconciliation-page';
import { StalledPage } from './stalled-page';
import { OrderPage } from './order-page';

const EXCEPTION_FIELDS = `id type status reason rule ruleSetVersion plant orderNumber messageType owner overridableBy
  assignee createdAt payload pendingOverride { requestedBy reason } actions { action actor at note }`;

/** What a row of the list shows; the selected exception's detail is read on its own (ONE). */
const LIST_FIELDS = 'id type status reason plant orderNumber owner createdAt';
type ListRow = Pick<
  ExceptionView,
  'id' | 'type' | 'status' | 'reason' | 'plant' | 'orderNumber' | 'owner' | 'createdAt'
>;

const LIST = `query L($filter: ExceptionFilter, $after: String) {
  exceptions(filter: $filter, first: 20, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { ${LIST_FIELDS} }
  }
}`;

// The vocabulary is the API's own: the lists come from core, bundled in.
const ONE = `query E($id: ID!) { exception(id: $id) { ${EXCEPTION_FIELDS} } }`;

const STATUSES = ['', ...EXCEPTION_STATUSES];
const TYPES = ['', ...EXCEPTION_TYPES];

/** The operator's workbench: sign-in, the exception list with filters and paging, and an exception's detail. */
export function App() {
  const [me, setMe] = useState<Principal | null>(null);
  const [signInError, setSignInError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setMe((await graphql<{ whoami: Principal }>('{ whoami { id name kind roles plants } }')).whoami);
      setSignInError(null);
    } catch (e) {
      setMe(null);
      setSignInError(e instanceof ApiError && e.code === 'UNAUTHENTICATED' ? null : (e as Error).message);
    }
  }, []);
  useEffect(() => void load(), [load]);
  if (!me) return <SignIn error={signInError} onSignIn={(token) => (session.signIn(token), void load())} />;
  return (
    <>
      <header>
        <h1>Plantgate workbench</h1>
        <span className="who">
          {me.name} · {me.roles.join(', ')} · plants {me.plants.join(', ')}
        </span>
        {me.kind === 'LOCAL' ? (
          <p role="note" className="banner">
            Local open mode: you are the developer principal, with every role in every plant.
          </p>
        ) : (
          <button onClick={() => (session.signOut(), setMe(null))}>Sign out</button>
        )}
      </header>
      <nav aria-label="Screens" className="tabs">
        <a href="#/exceptions">Exceptions</a>
        <a href="#/monitor">Interface monitor</a>
        <a href="#/stalled">Stalled</a>
        <a href="#/reconciliation">Reconciliation</a>
        <OrderLookup />
      </nav>
      <Screen me={me} />
    </>
  );
}

/**
 * The screen the location's hash names: #/exceptions (the default), #/monitor, #/stalled, #/reconciliation,
 * #/order/<plant>/<order>, #/lot/<plant>/<lot>.
 */
function Screen(props: { me: Principal }) {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const changed = () => setHash(window.location.hash);
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  const [, screen, plant, orderNumber] = hash.split('/');
  if (screen === 'monitor') return <MonitorPage />;
  if (screen === 'stalled') return <StalledPage />;
  if (screen === 'reconciliation') return <ReconciliationPage me={props.me} />;
  if (screen === 'lot' && plant && orderNumber)
    return <LotPage plant={decodeURIComponent(plant)} lotNumber={decodeURIComponent(orderNumber)} />;
  if (screen === 'order' && plant && orderNumber)
    return <OrderPage plant={decodeURIComponent(plant)} orderNumber={decodeURIComponent(orderNumber)} />;
  return <Exceptions me={props.me} />;
}

function OrderLookup() {
  const [plant, setPlant] = useState('');
  const [orderNumber, setOrderNumber] = useState('');
  const open = () => (window.location.hash = `#/order/${encodeURIComponent(plant)}/${encodeURIComponent(orderNumber)}`);
  return (
    <form className="lookup" onSubmit={(e) => (e.preventDefault(), open())}>
      <label>
        Order plant
        <input value={plant} onChange={(e) => setPlant(e.target.value)} size={6} />
      </label>
      <label>
        Order number
        <input value={orderNumber} onChange={(e) => setOrderNumber(e.target.value)} size={12} />
      </label>
      <button type="submit" disabled={!plant || !orderNumber}>
        Open order
      </button>
    </form>
  );
}

function SignIn(props: { error: string | null; onSignIn: (token: string) => void }) {
  const [token, setToken] = useState('');
  return (
    <main className="sign-in">
      <h1>Plantgate workbench</h1>
      <form onSubmit={(e) => (e.preventDefault(), props.onSignIn(token.trim()))}>
        <label>
          API key or token
          <input type="password" value={token} onChange={(e) => setToken(e.target.value)} autoFocus />
        </label>
        <button type="submit" disabled={!token.trim()}>
          Sign in
        </button>
      </form>
      {props.error ? <p role="alert">{props.error}</p> : null}
    </main>
  );
}

function Exceptions(props: { me: Principal }) {
  const [filter, setFilter] = useState({ plant: '', status: 'OPEN', type: '' });
  const [pages, setPages] = useState<(string | null)[]>([null]);
  const [result, setResult] = useState<{ totalCount: number; nodes: ListRow[]; next: string | null } | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const after = pages.at(-1) ?? null;
  const refresh = useCallback(async () => {
    const chosen = Object.fromEntries(Object.entries(filter).filter(([, v]) => v));
    try {
      const { exceptions } = await graphql<{
        exceptions: {
          totalCount: number;
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
          nodes: ListRow[];
        };
      }>(LIST, { filter: chosen, after });
      setResult({
        totalCount: exceptions.totalCount,
        nodes: exceptions.nodes,
        next: exceptions.pageInfo.hasNextPage ? exceptions.pageInfo.endCursor : null,
      });
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [filter, after]);
  usePolling(refresh);
  const change = (key: keyof typeof filter, value: string) => (
    setFilter({ ...filter, [key]: value }),
    setPages([null])
  );
  // The selected exception stays open when an action moves it out of the list's filter.
  const [current, setCurrent] = useState<ExceptionView | null>(null);
  const loadCurrent = useCallback(async () => {
    if (!selected) return setCurrent(null);
    try {
      setCurrent((await graphql<{ exception: ExceptionView | null }>(ONE, { id: selected })).exception);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [selected]);
  usePolling(loadCurrent);
  return (
    <main className="exceptions">
      <div className="list">
        <form className="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            Plant
            <input value={filter.plant} onChange={(e) => change('plant', e.target.value)} />
          </label>
          <Select label="Status" value={filter.status} options={STATUSES} onChange={(v) => change('status', v)} />
          <Select label="Type" value={filter.type} options={TYPES} onChange={(v) => change('type', v)} />
        </form>
        {error ? <p role="alert">{error}</p> : null}
        <table>
          <caption>{result ? `${result.totalCount} exception(s)` : 'Loading…'}</caption>
          <thead>
            <tr>
              <th>Raised</th>
              <th>Type</th>
              <th>Status</th>
              <th>Plant / order</th>
              <th>Owner</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {result?.nodes.map((e) => (
              <tr key={e.id} aria-selected={e.id === selected}>
                <td>{time(e.createdAt)}</td>
                <td>{e.type}</td>
                <td>{e.status}</td>
                <td>
                  <button className="link" onClick={() => setSelected(e.id)}>
                    {e.plant} / {e.orderNumber}
                  </button>
                </td>
                <td>{e.owner}</td>
                <td>{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <nav aria-label="Pages">
          <button disabled={pages.length < 2} onClick={() => setPages(pages.slice(0, -1))}>
            Previous
          </button>
          <button disabled={!result?.next} onClick={() => setPages([...pages, result!.next])}>
            Next
          </button>
        </nav>
      </div>
      {current ? (
        <ExceptionDetail
          key={current.id}
          exception={current}
          me={props.me}
          onChanged={() => (void refresh(), void loadCurrent())}
        />
      ) : null}
    </main>
  );
}

function Select(props: { label: string; value: string; options: string[]; onChange: (value: string) => void }) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o || 'any'}
          </option>
        ))}
      </select>
    </label>
  );
}
