import { randomUUID } from 'node:crypto';
import { createRouter, type SimRequest } from './http-kit';
import { startReferenceServer } from './reference-server';
import { openSimStore } from './sim-store';
import type { WebhookMessage } from './webhook.sender';

interface QmsInspection {
  inspectionId: string;
  /** The idempotency key of the request that asked for it. */
  requestKey: string;
  plant: string;
  orderNumber: string;
  lot: string;
  inspectionType: string;
  result: string | null;
  disposition: string | null;
  decidedAt: string | null;
}

interface QmsNonconformance {
  nonconformanceId: string;
  plant: string;
  orderNumber: string;
  lot: string;
  status: string;
  openedAt: number;
  closedAt: number | null;
}

export interface QmsAutomation {
  /** Decide requested inspections (off by default). */
  decide: boolean;
  decisionDelayMs: number;
  /** Shares of decisions; what remains after these passes with ACCEPT. */
  failRate: number;
  conditionalRate: number;
  /** Share of lots on which a nonconformance is opened before the decision and closed after it. */
  nonconformanceRate: number;
}

export interface QmsSimulatorOptions {
  port?: number;
  host?: string;
  /** The SQLite file QMS keeps its inspections and nonconformances in; in memory when absent. */
  dataFile?: string | null;
  webhookUrl?: string | null;
  webhookSecret?: string;
  automation?: Partial<QmsAutomation>;
  random?: () => number;
}

/** The reference QMS: receives inspection requests; in the demo, decides them and raises nonconformances. */
export async function startQmsSimulator(options: QmsSimulatorOptions = {}) {
  const random = options.random ?? Math.random;
  const sim = openSimStore(options.dataFile ?? null);
  /** By the idempotency key of the request that asked for it. */
  const inspections = sim.map<QmsInspection>('inspections');
  const nonconformances = sim.map<QmsNonconformance>('nonconformances');
  let automation: QmsAutomation = {
    decide: false,
    decisionDelayMs: 50,
    failRate: 0,
    conditionalRate: 0,
    nonconformanceRate: 0,
    ...options.automation,
  };

  const router = createRouter({
    'POST /api/inspection-requests': (req: SimRequest) =>
      sim.transaction(() => {
        const key = String(req.headers['idempotency-key'] ?? randomUUID());
        if (inspections.has(key))
          return { status: 200, body: { inspectionId: inspections.get(key)!.inspectionId, replayed: true } };
        const p = req.body as {
          inspectionId?: string;
          plant: string;
          orderNumber: string;
          lot: string;
          inspectionType: string;
        };
        // QMS decides the inspection under the ID Plantgate asked with, so that the result can be matched to it.
        const inspection: QmsInspection = {
          inspectionId: p.inspectionId ?? `INS-${inspections.size + 1}-${p.orderNumber}`,
          requestKey: key,
          plant: p.plant,
          orderNumber: p.orderNumber,
          lot: p.lot,
          inspectionType: p.inspectionType,
          result: null,
          disposition: null,
          decidedAt: null,
        };
        inspections.set(key, inspection);
        if (automation.decide) reference.track(decide(inspection));
        return { status: 201, body: { inspectionId: inspection.inspectionId } };
      }),
    // Edits made in QMS directly, bypassing Plantgate: an inspection's result changed after it was reported, or lost.
    'POST /admin/drift': (req) =>
      sim.transaction(() => {
        const edit = req.body as {
          kind: 'change-result' | 'forget-inspection' | 'nonconformance';
          inspectionId: string;
          result: string;
          disposition: string;
        } & Partial<Pick<QmsNonconformance, 'nonconformanceId' | 'plant' | 'orderNumber' | 'lot' | 'status'>>;
        if (edit.kind === 'nonconformance') {
          // A nonconformance raised or changed in QMS that never reached Plantgate.
          const nc: QmsNonconformance = {
            nonconformanceId: String(edit.nonconformanceId),
            plant: String(edit.plant),
            orderNumber: String(edit.orderNumber),
            lot: String(edit.lot),
            status: String(edit.status),
            openedAt: Date.now(),
            closedAt: null,
          };
          nonconformances.set(nc.nonconformanceId, nc);
          return { status: 200, body: nc };
        }
        const inspection = [...inspections.values()].find((i) => i.inspectionId === edit.inspectionId);
        if (!inspection) return { status: 404, body: { error: `no inspection ${edit.inspectionId}` } };
        if (edit.kind === 'forget-inspection')
          return (inspections.delete(inspection.requestKey), { status: 200, body: { forgotten: edit.inspectionId } });
        if (edit.kind !== 'change-result') return { status: 400, body: { error: `no edit ${String(edit.kind)}` } };
        const changed = {
          ...inspection,
          result: edit.result,
          disposition: edit.disposition,
          decidedAt: new Date().toISOString(),
        };
        inspections.set(inspection.requestKey, changed);
        return { status: 200, body: changed };
      }),
    'GET /api/inspections': (req) => {
      const refs = new Set(
        (req.query.get('refs') ?? '')
          .split(',')
          .filter(Boolean)
          .map((r) => r.replace(':', '|')),
      );
      const all = [...inspections.values()].filter((i) => refs.has(`${i.plant}|${i.orderNumber}`));
      const ncs = [...nonconformances.values()].filter((n) => refs.has(`${n.plant}|${n.orderNumber}`));
      return { status: 200, body: { inspections: all, nonconformances: ncs } };
    },
  });
  const reference = await startReferenceServer({
    router,
    port: options.port,
    host: options.host,
    random,
    webhookUrl: options.webhookUrl,
    webhookSecret: options.webhookSecret,
  });

  async function decide(inspection: QmsInspection) {
    await new Promise((resolve) => setTimeout(resolve, automation.decisionDelayMs));
    const ref = { plant: inspection.plant, orderNumber: inspection.orderNumber, lot: inspection.lot };
    const roll = random();
    const [result, disposition] =
      roll < automation.failRate
        ? ['FAIL', 'REJECT']
        : roll < automation.failRate + automation.conditionalRate
          ? ['PASS', 'CONDITIONAL_RELEASE']
          : ['PASS', 'ACCEPT'];
    Object.assign(inspection, { result, disposition, decidedAt: new Date().toISOString() });
    inspections.set(inspection.requestKey, inspection);
    // Out-of-order faults apply to webhooks; the decision itself is final once made.
    const events: WebhookMessage[] = [];
    const nc: QmsNonconformance | null =
      random() < automation.nonconformanceRate
        ? {
            nonconformanceId: `NC-${inspection.inspectionId}`,
            ...ref,
            status: 'OPEN',
            openedAt: Date.now(),
            closedAt: null,
          }
        : null;
    const ncEvent = (status: string): WebhookMessage => ({
      messageType: 'ReportNonconformance',
      payload: {
        nonconformanceId: nc!.nonconformanceId,
        ...ref,
        status,
        severity: 'MINOR',
        description: 'Cosmetic defect found at final inspection',
        occurredAt: new Date().toISOString(),
        messageId: randomUUID(),
      },
    });
    if (nc) {
      nonconformances.set(nc.nonconformanceId, nc);
      events.push(ncEvent('OPEN'));
    }
    events.push({
      messageType: 'RecordInspectionResult',
      payload: {
        inspectionId: inspection.inspectionId,
        ...ref,
        inspectionType: inspection.inspectionType,
        result,
        disposition,
        inspector: 'qms-sim',
        decidedAt: inspection.decidedAt!,
        messageId: randomUUID(),
      },
    });
    await reference.webhook.sendSequence(events);
    if (nc) {
      await new Promise((resolve) => setTimeout(resolve, automation.decisionDelayMs));
      Object.assign(nc, { status: 'CLOSED', closedAt: Date.now() });
      nonconformances.set(nc.nonconformanceId, nc);
      await reference.webhook.send(ncEvent('CLOSED'));
    }
  }

  return {
    ...reference.controls,
    async close() {
      await reference.controls.close();
      sim.close();
    },
    inspections,
    nonconformances,
    setAutomation: (patch: Partial<QmsAutomation>) => (automation = { ...automation, ...patch }),
  };
}

export type QmsSimulator = Awaited<ReturnType<typeof startQmsSimulator>>;
