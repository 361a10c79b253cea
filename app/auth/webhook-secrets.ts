import { randomBytes } from 'node:crypto';
import type { DownstreamSystem } from '../../core/errors';
import type { Config } from '../config';

export type WebhookSecrets = Partial<Record<DownstreamSystem, string>>;

/**
 * The secret each system signs its webhooks with: the system's own (MES_WEBHOOK_SECRET…), else WEBHOOK_SECRET. A
 * reference system embedded in this very process, with no secret configured, gets one generated for this run and
 * handed to both sides, so that the embedded default runs signed, like production.
 */
export function resolveWebhookSecrets(config: Config, embeddedHere: boolean): WebhookSecrets {
  const secrets: WebhookSecrets = {};
  for (const system of ['erp', 'mes', 'qms'] as const) {
    const S = system.toUpperCase() as 'ERP' | 'MES' | 'QMS';
    const embedded = embeddedHere && config.SIMULATORS === 'embedded' && !config[`${S}_URL`];
    const secret =
      config[`${S}_WEBHOOK_SECRET`] ??
      config.WEBHOOK_SECRET ??
      (embedded ? randomBytes(32).toString('base64url') : undefined);
    if (secret) secrets[system] = secret;
  }
  return secrets;
}
