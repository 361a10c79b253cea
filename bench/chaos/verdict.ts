import Database from 'better-sqlite3';
import type { OrderRecord } from '../../core/orders/order.types';
import type { JournalEntry } from '../../simulators/erp.simulator';
import type { AnsweredEvent } from './integrator';

/** What a chaos run counts, from Plantgate's store and from the reference ERP's own journal. */
export interface ChaosCounts {
  orders: number;
  events_accepted: number;
  /** Answered events whose business event took effect (its business key applied by a transaction). */
  events_applied: number;
  /** Answered ACCEPTED or DUPLICATE, never applied. */
  events_lost: number;
  /** Business keys applied by more than one transaction. */
  events_applied_twice: number;
  /** Postings ERP booked more often than the order decided them. */
  postings_made_twice: number;
  /** Orders whose postings reached ERP in another order than Plantgate decided them. */
  orders_out_of_sequence: number;
  /** Orders that did not reach FINANCIALLY_POSTED. */
  orders_unfinished: number;
  exceptions_opened: number;
  transactions: number;
  erp_postings: number;
}

export async function countOutcomes(
  sqliteFile: string,
  erpUrl: string,
  answered: AnsweredEvent[],
  orders: { plant: string; orderNumber: string }[],
): Promise<ChaosCounts & { details: string[] }> {
  const details: string[] = [];
  const db = new Database(sqliteFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT correlation_id AS id, business_key AS key, status FROM transactions').all() as {
      id: string;
      key: string;
      status: string;
    }[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const appliedByKey = new Map<string, number>();
    for (const r of rows)
      if (r.status === 'APPLIED' || r.status === 'POSTED') appliedByKey.set(r.key, (appliedByKey.get(r.key) ?? 0) + 1);

    let applied = 0;
    for (const event of answered) {
      const key = byId.get(event.correlationId)?.key;
      if (key && appliedByKey.has(key)) applied += 1;
      else
        details.push(
          `lost: ${event.mutation} of ${event.orderNumber} answered ${event.status} ${event.correlationId} (now ${byId.get(event.correlationId)?.status ?? 'missing'})`,
        );
    }
    const twice = [...appliedByKey.entries()].filter(([, n]) => n > 1);
    for (const [key, n] of twice) details.push(`applied ${n} times: ${key}`);

    const journal = ((await (await fetch(`${erpUrl}/admin/journal`)).json()) as { journal: JournalEntry[] }).journal;
    const getOrder = db.prepare('SELECT doc, state FROM orders WHERE plant = ? AND order_number = ?');
    let outOfSequence = 0;
    let postingsTwice = 0;
    let unfinished = 0;
    for (const ref of orders) {
      const row = getOrder.get(ref.plant, ref.orderNumber) as { doc: string; state: string } | undefined;
      const order = row ? (JSON.parse(row.doc) as OrderRecord) : null;
      if (row?.state !== 'FINANCIALLY_POSTED') {
        unfinished += 1;
        details.push(`unfinished: ${ref.orderNumber} is ${row?.state ?? 'not released'}`);
      }
      const decided = order?.postings.map((p) => p.postingKey) ?? [];
      const booked = journal
        .filter((j) => j.plant === ref.plant && j.orderNumber === ref.orderNumber)
        .map((j) => j.idempotencyKey);
      postingsTwice +=
        Math.max(0, booked.length - new Set(booked).size) + booked.filter((key) => !decided.includes(key)).length;
      const inDecisionOrder = decided.filter((key) => booked.includes(key));
      if (
        JSON.stringify([...new Set(booked)].filter((key) => decided.includes(key))) !== JSON.stringify(inDecisionOrder)
      ) {
        outOfSequence += 1;
        details.push(
          `out of sequence: ${ref.orderNumber} decided ${decided.join(', ')} but ERP booked ${booked.join(', ')}`,
        );
      }
    }
    // A nonconformance the traffic opens and later closes holds the order meanwhile: its quality-hold exception
    // resolving itself is the control working. Any other exception, or a hold left open, is a failure.
    const exceptionRows = db
      .prepare(
        `SELECT type, rule, status, COUNT(*) AS n, MIN(reason) AS example FROM exceptions
         WHERE NOT (rule = 'quality.release-hold' AND status = 'RESOLVED') GROUP BY type, rule, status`,
      )
      .all() as { type: string; rule: string; status: string; n: number; example: string }[];
    const exceptions = exceptionRows.reduce((sum, r) => sum + r.n, 0);
    for (const r of exceptionRows) details.push(`${r.n} × ${r.status} ${r.type} ${r.rule}, e.g. ${r.example}`);
    return {
      orders: orders.length,
      events_accepted: answered.length,
      events_applied: applied,
      events_lost: answered.length - applied,
      events_applied_twice: twice.length,
      postings_made_twice: postingsTwice,
      orders_out_of_sequence: outOfSequence,
      orders_unfinished: unfinished,
      exceptions_opened: exceptions,
      transactions: rows.length,
      erp_postings: journal.length,
      details,
    };
  } finally {
    db.close();
  }
}

/** A run passes when nothing accepted was lost, nothing applied or posted twice, and every order kept its sequence. */
export function failures(counts: ChaosCounts): string[] {
  const checks: [keyof ChaosCounts, string][] = [
    ['events_lost', 'events lost'],
    ['events_applied_twice', 'events applied twice'],
    ['postings_made_twice', 'postings made twice'],
    ['orders_out_of_sequence', 'orders posted out of sequence'],
    ['orders_unfinished', 'orders unfinished'],
    ['exceptions_opened', 'exceptions opened for valid traffic'],
  ];
  return checks.filter(([key]) => counts[key] !== 0).map(([key, label]) => `${counts[key]} ${label}`);
}
