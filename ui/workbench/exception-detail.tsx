import { useCallback, useState } from 'react';
import { graphql, type Principal } from './api';
import { usePolling } from './polling';
import { Table, time } from './table';
import { jsonDiff } from './diff';
import { allowed, type WorkbenchAction } from './roles';

export interface ExceptionView {
  id: string;
  type: string;
  status: string;
  reason: string;
  rule: string;
  ruleSetVersion: number;
  plant: string;
  orderNumber: string;
  messageType: string;
  owner: string;
  overridableBy: string | null;
  assignee: string | null;
  createdAt: string;
  payload: unknown;
  pendingOverride: { requestedBy: string; reason: string } | null;
  actions: { action: string; actor: string; at: string; note: string }[];
}

const MUTATIONS: Record<Exclude<WorkbenchAction, 'replay'>, { mutation: string; field: string; label: string }> = {
  resolve: { mutation: 'resolveException(id: $id, note: $text)', field: 'note', label: 'Resolve' },
  discard: { mutation: 'discardException(id: $id, reason: $text)', field: 'reason', label: 'Discard' },
  assign: { mutation: 'assignException(id: $id, assignee: $text)', field: 'assignee', label: 'Assign' },
  override: { mutation: 'overrideException(id: $id, reason: $text)', field: 'reason', label: 'Override' },
  approve: { mutation: 'approveOverride(id: $id)', field: '', label: 'Approve override' },
};

/** One exception: what was refused and why, its payload and history, and the actions the user's roles allow. */
export function ExceptionDetail(props: { exception: ExceptionView; me: Principal; onChanged: () => void }) {
  const { exception, me } = props;
  const [error, setError] = useState<string | null>(null);
  const run = async (query: string, variables: Record<string, unknown>) => {
    setError(null);
    try {
      await graphql(query, { id: exception.id, ...variables });
      props.onChanged();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section aria-label={`Exception ${exception.id}`} className="detail">
      <h2>
        {exception.type} · {exception.status}
      </h2>
      <p className="reason">{exception.reason}</p>
      <dl>
        <dt>Rule</dt>
        <dd>
          {exception.rule} (rule set version {exception.ruleSetVersion})
        </dd>
        <dt>Order</dt>
        <dd>
          <a href={`#/order/${encodeURIComponent(exception.plant)}/${encodeURIComponent(exception.orderNumber)}`}>
            {exception.plant} / {exception.orderNumber}
          </a>{' '}
          · {exception.messageType}
        </dd>
        <dt>Owner</dt>
        <dd>
          {exception.owner}
          {exception.assignee ? `, assigned to ${exception.assignee}` : ''}
        </dd>
        <dt>Raised</dt>
        <dd>{time(exception.createdAt)}</dd>
      </dl>
      <h3>Original payload</h3>
      <pre className="payload">{JSON.stringify(exception.payload, null, 2)}</pre>
      <Replay exception={exception} me={me} run={run} />
      {(Object.keys(MUTATIONS) as (keyof typeof MUTATIONS)[]).map((action) => (
        <TextAction key={action} action={action} exception={exception} me={me} run={run} />
      ))}
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <OrderTimeline plant={exception.plant} orderNumber={exception.orderNumber} />
      <h3>History</h3>
      <ol className="history">
        {exception.actions.map((a, i) => (
          <li key={i}>
            {time(a.at)} · {a.action} by {a.actor}
            {a.note ? `: ${a.note}` : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}

type Run = (query: string, variables: Record<string, unknown>) => Promise<void>;

function TextAction(props: { action: keyof typeof MUTATIONS; exception: ExceptionView; me: Principal; run: Run }) {
  const { action, exception, me } = props;
  const spec = MUTATIONS[action];
  const [text, setText] = useState('');
  const refusal = allowed(action, exception, me);
  const needsText = spec.field !== '';
  const send = () =>
    props.run(
      `mutation A($id: ID!${needsText ? ', $text: String!' : ''}) { ${spec.mutation} { id status } }`,
      needsText ? { text } : {},
    );
  return (
    <div className="action">
      {needsText ? (
        <label>
          {spec.field} for {spec.label.toLowerCase()}
          <input value={text} disabled={refusal !== null} onChange={(e) => setText(e.target.value)} />
        </label>
      ) : null}
      <button disabled={refusal !== null || (needsText && !text.trim())} onClick={() => void send()}>
        {spec.label}
      </button>
      {refusal ? <span className="why">{refusal}</span> : null}
    </div>
  );
}

/** Replay with an edited payload: the change is shown as a diff before anything is sent. */
function Replay(props: { exception: ExceptionView; me: Principal; run: Run }) {
  const { exception, me } = props;
  const refusal = allowed('replay', exception, me);
  const [draft, setDraft] = useState(JSON.stringify(exception.payload, null, 2));
  const [note, setNote] = useState('');
  const [preview, setPreview] = useState<ReturnType<typeof jsonDiff> | null>(null);
  const [parseError, setParseError] = useState<string | null>(null);
  const edited = () => {
    try {
      setParseError(null);
      return JSON.parse(draft) as unknown;
    } catch (e) {
      setParseError(`The payload is not JSON: ${(e as Error).message}`);
      return undefined;
    }
  };
  const showDiff = () => {
    const payload = edited();
    if (payload !== undefined) setPreview(jsonDiff(exception.payload, payload));
  };
  const send = () => {
    const payload = edited();
    const changed = JSON.stringify(payload) !== JSON.stringify(exception.payload);
    return props.run(
      'mutation R($id: ID!, $input: ReplayExceptionInput!) { replayException(id: $id, input: $input) { id } }',
      {
        input: { note, ...(changed ? { payload } : {}) },
      },
    );
  };
  return (
    <div className="action replay">
      <label>
        Payload to replay
        <textarea
          rows={8}
          value={draft}
          disabled={refusal !== null}
          onChange={(e) => (setDraft(e.target.value), setPreview(null))}
        />
      </label>
      <label>
        note for replay
        <input value={note} disabled={refusal !== null} onChange={(e) => setNote(e.target.value)} />
      </label>
      <button disabled={refusal !== null} onClick={showDiff}>
        Show changes
      </button>
      <button disabled={refusal !== null || preview === null || !note.trim()} onClick={() => void send()}>
        Replay
      </button>
      {refusal ? <span className="why">{refusal}</span> : null}
      {parseError ? <p role="alert">{parseError}</p> : null}
      {preview ? (
        <pre aria-label="Changes to the payload" className="diff">
          {preview.map((d, i) => (
            <div key={i} className={d.kind === '+' ? 'added' : d.kind === '-' ? 'removed' : ''}>
              {d.kind} {d.line}
            </div>
          ))}
        </pre>
      ) : null}
    </div>
  );
}

const TIMELINE = `query T($plant: String!, $orderNumber: String!) {
  productionOrder(plant: $plant, orderNumber: $orderNumber) { state timeline { at state cause } }
}`;

/** The timeline of the exception's order, so that the refusal is seen where it happened. */
function OrderTimeline(props: { plant: string; orderNumber: string }) {
  const { plant, orderNumber } = props;
  const [order, setOrder] = useState<{
    state: string;
    timeline: { at: string; state: string; cause: string }[];
  } | null>(null);
  const load = useCallback(async () => {
    if (!orderNumber) return;
    const answer = await graphql<{ productionOrder: typeof order }>(TIMELINE, { plant, orderNumber }).catch(() => null);
    setOrder(answer?.productionOrder ?? null);
  }, [plant, orderNumber]);
  usePolling(load);
  if (!order) return null;
  return (
    <Table
      caption={`The order's timeline (now ${order.state})`}
      head={['At', 'State', 'Cause']}
      rows={order.timeline.map((t) => [time(t.at), t.state, t.cause])}
    />
  );
}
