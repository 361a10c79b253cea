import path from 'node:path';
import { startErpSimulator, type ErpSimulator } from './erp.simulator';
import { startMesSimulator, type MesAutomation, type MesSimulator } from './mes.simulator';
import { startQmsSimulator, type QmsAutomation, type QmsSimulator } from './qms.simulator';

export interface ReferenceSystemsOptions {
  /** Which systems to start; the others are real ones, configured by URL. */
  erp: boolean;
  mes: boolean;
  qms: boolean;
  automation?: { mes?: Partial<MesAutomation>; qms?: Partial<QmsAutomation> };
  erpCredentials?: { clientId: string; clientSecret: string; tokenTtlSeconds?: number };
  /** What MES and QMS sign their webhooks with (HMAC-SHA256); unsigned without one. */
  webhookSecrets?: { mes?: string; qms?: string };
  /** Fixed ports, when the systems run on their own; any free port otherwise. */
  ports?: { erp?: number; mes?: number; qms?: number };
  /** Where each system keeps its state across restarts (erp.db, mes.db, qms.db); in memory when absent. */
  dataDir?: string | null;
  /** Where they listen: loopback unless told otherwise. */
  host?: string;
}

/** Starts the reference ERP, MES and QMS the configuration leaves to the embedded default. */
export async function startReferenceSystems(options: ReferenceSystemsOptions) {
  const dataFile = (system: string) => (options.dataDir ? path.join(options.dataDir, `${system}.db`) : null);
  const erp: ErpSimulator | null = options.erp
    ? await startErpSimulator({
        port: options.ports?.erp,
        host: options.host,
        dataFile: dataFile('erp'),
        clientId: options.erpCredentials?.clientId,
        clientSecret: options.erpCredentials?.clientSecret,
        tokenTtlSeconds: options.erpCredentials?.tokenTtlSeconds,
      })
    : null;
  const common = { host: options.host };
  const mes: MesSimulator | null = options.mes
    ? await startMesSimulator({
        ...common,
        webhookSecret: options.webhookSecrets?.mes,
        port: options.ports?.mes,
        dataFile: dataFile('mes'),
        automation: options.automation?.mes,
      })
    : null;
  const qms: QmsSimulator | null = options.qms
    ? await startQmsSimulator({
        ...common,
        webhookSecret: options.webhookSecrets?.qms,
        port: options.ports?.qms,
        dataFile: dataFile('qms'),
        automation: options.automation?.qms,
      })
    : null;
  return {
    erp,
    mes,
    qms,
    /** Tells MES and QMS where Plantgate's webhooks are, once its HTTP server listens. */
    connectTo(plantgateUrl: string) {
      mes?.setWebhookUrl(`${plantgateUrl}/webhooks/mes`);
      qms?.setWebhookUrl(`${plantgateUrl}/webhooks/qms`);
    },
    async close() {
      await Promise.all([erp?.close(), mes?.close(), qms?.close()]);
    },
  };
}

export type ReferenceSystems = Awaited<ReturnType<typeof startReferenceSystems>>;
