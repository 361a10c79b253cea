import path from 'node:path';
import { startReferenceSystems } from './reference-systems';

/**
 * `npm run simulators`: the reference ERP, MES and QMS on their own, for a Plantgate pointed at them by URL.
 * SIM_ERP_PORT, SIM_MES_PORT, SIM_QMS_PORT choose ports (0: any free one); PLANTGATE_URL is where MES and QMS send
 * their webhooks, signed with MES_WEBHOOK_SECRET and QMS_WEBHOOK_SECRET (or WEBHOOK_SECRET); SIM_AUTOMATION=on lets MES acknowledge and execute orders and QMS decide inspections;
 * SIM_DATA_DIR (default data/reference) is where they keep their state across restarts; SIM_SYSTEMS (default
 * erp,mes,qms) which of them to run; SIM_HOST (default 127.0.0.1) where they listen.
 */
async function main() {
  const automation = process.env.SIM_AUTOMATION === 'on';
  const wanted = new Set((process.env.SIM_SYSTEMS ?? 'erp,mes,qms').split(',').map((s) => s.trim()));
  const systems = await startReferenceSystems({
    erp: wanted.has('erp'),
    mes: wanted.has('mes'),
    qms: wanted.has('qms'),
    dataDir: process.env.SIM_DATA_DIR ?? path.join('data', 'reference'),
    host: process.env.SIM_HOST ?? '127.0.0.1',
    ports: {
      erp: Number(process.env.SIM_ERP_PORT ?? 0),
      mes: Number(process.env.SIM_MES_PORT ?? 0),
      qms: Number(process.env.SIM_QMS_PORT ?? 0),
    },
    erpCredentials: {
      clientId: process.env.SIM_ERP_CLIENT_ID ?? 'plantgate',
      clientSecret: process.env.SIM_ERP_CLIENT_SECRET ?? 'plantgate-secret',
    },
    webhookSecrets: {
      mes: process.env.MES_WEBHOOK_SECRET ?? process.env.WEBHOOK_SECRET,
      qms: process.env.QMS_WEBHOOK_SECRET ?? process.env.WEBHOOK_SECRET,
    },
    automation: { mes: { acknowledge: automation, execute: automation }, qms: { decide: automation } },
  });
  if (process.env.PLANTGATE_URL) systems.connectTo(process.env.PLANTGATE_URL.replace(/\/+$/, ''));
  const running = [
    systems.erp && `ERP ${systems.erp.url} (OAuth2 client ${process.env.SIM_ERP_CLIENT_ID ?? 'plantgate'})`,
    systems.mes && `MES ${systems.mes.url}`,
    systems.qms && `QMS ${systems.qms.url}`,
  ].filter(Boolean);
  console.log(`Reference systems: ${running.join(', ')}`);
  const stop = () => void systems.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(`reference systems failed to start: ${(error as Error).message}`);
  process.exit(1);
});
