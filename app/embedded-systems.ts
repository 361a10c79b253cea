import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Logger } from '../core/ports/logger.port';
import { startReferenceSystems } from '../simulators/reference-systems';
import type { WebhookSecrets } from './auth/webhook-secrets';
import type { Config } from './config';
import type { SystemEndpoint } from './connectors.factory';

/**
 * The embedded default: the reference ERP, MES and QMS for every system the configuration does not point
 * elsewhere, started in this process. Their automatic behaviour (acknowledging, executing, deciding) is off unless
 * SIM_AUTOMATION=on; with it off they only record and acknowledge what they are sent.
 */
export async function startEmbeddedSystems(config: Config, logger: Logger, webhookSecrets: WebhookSecrets) {
  if (config.SIMULATORS === 'off') return null;
  const wanted = { erp: !config.ERP_URL, mes: !config.MES_URL, qms: !config.QMS_URL };
  if (!wanted.erp && !wanted.mes && !wanted.qms) return null;
  const credentials = { clientId: 'plantgate', clientSecret: randomBytes(16).toString('hex') };
  const automation = config.SIM_AUTOMATION === 'on';
  const systems = await startReferenceSystems({
    ...wanted,
    dataDir: config.SIM_DATA_DIR ?? path.join(path.dirname(config.SQLITE_FILE), 'reference'),
    erpCredentials: credentials,
    webhookSecrets,
    automation: { mes: { acknowledge: automation, execute: automation }, qms: { decide: automation } },
  });
  const endpoints: Partial<Record<'erp' | 'mes' | 'qms', SystemEndpoint>> = {};
  if (systems.erp)
    endpoints.erp = {
      url: systems.erp.url,
      ratePerSecond: config.ERP_RATE_LIMIT_PER_S,
      credentials: { tokenUrl: `${systems.erp.url}/oauth/token`, ...credentials },
    };
  if (systems.mes) endpoints.mes = { url: systems.mes.url, ratePerSecond: config.MES_RATE_LIMIT_PER_S };
  if (systems.qms) endpoints.qms = { url: systems.qms.url, ratePerSecond: config.QMS_RATE_LIMIT_PER_S };
  logger.info(
    Object.fromEntries(Object.entries(endpoints).map(([s, e]) => [s, e.url])),
    'embedded reference systems started',
  );
  return { systems, endpoints };
}
