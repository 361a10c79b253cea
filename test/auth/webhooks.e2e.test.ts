import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_HEADERS, webhookSignature } from '../../core/auth/webhook-signature';
import { createKey } from '../support/auth.fixture';
import { acknowledgeInput, releaseInput } from '../support/order.fixture';
import { createTestInstallation, type TestInstallation } from '../support/harness';

const SECRET = 'mes-webhook-secret-for-tests';

/** Webhooks from MES and QMS are signed (HMAC-SHA256 over timestamp and body); anything else is refused and counted. */
describe('signed webhooks', () => {
  let installation: TestInstallation;
  let url: string;
  beforeAll(async () => {
    installation = createTestInstallation('webhooks', { MES_WEBHOOK_SECRET: SECRET, WEBHOOK_REPLAY_WINDOW_S: '300' });
    const gateway = await installation.start('gateway');
    url = gateway.url!;
    // A key exists: not the open local mode, which alone accepts unsigned webhooks.
    await createKey(gateway.store, ['ADMIN'], '*');
  });
  afterAll(() => installation.cleanup());

  const body = (messageId: string) =>
    JSON.stringify({
      messageType: 'AcknowledgeProductionOrder',
      payload: { ...acknowledgeInput(releaseInput({ orderNumber: 'PO-HOOK' })), messageId },
    });
  const post = (raw: string, headers: Record<string, string>) =>
    fetch(`${url}/webhooks/mes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: raw,
    });
  const signed = (raw: string, secret = SECRET, at = Math.floor(Date.now() / 1000)) => ({
    [WEBHOOK_HEADERS.timestamp]: String(at),
    [WEBHOOK_HEADERS.signature]: webhookSignature(secret, String(at), raw),
  });

  it('accepts a correctly signed request', async () => {
    const raw = body('hook-1');
    const response = await post(raw, signed(raw));
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: 'ACCEPTED' });
  });

  it.each([
    ['unsigned', (_raw: string) => ({}), 'missing_signature'],
    ['signed with another secret', (raw: string) => signed(raw, 'not-the-secret'), 'bad_signature'],
    ['signed over another body', (raw: string) => signed(raw.replace('hook', 'hack')), 'bad_signature'],
    [
      'stale (signed ten minutes ago)',
      (raw: string) => signed(raw, SECRET, Math.floor(Date.now() / 1000) - 600),
      'stale_signature',
    ],
  ])('refuses a request %s with 401, and counts it', async (_what, headersFor, reason) => {
    const raw = body(`hook-${reason}`);
    const response = await post(raw, headersFor(raw));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(
      Number(new RegExp(`plantgate_auth_refusals_total\\{reason="${reason}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0),
    ).toBeGreaterThan(0);
  });

  it('refuses the same signed request sent a second time (a replay)', async () => {
    const raw = body('hook-replayed');
    const headers = signed(raw);
    expect((await post(raw, headers)).status).toBe(202);
    const replay = await post(raw, headers);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'replayed_signature' });
  });

  it('refuses every webhook of a system without a configured secret, however it is signed', async () => {
    // MES has a secret here; QMS has none, so nothing can prove a request came from QMS.
    const raw = JSON.stringify({ messageType: 'RecordInspectionResult', payload: {} });
    const qms = await fetch(`${url}/webhooks/qms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signed(raw) },
      body: raw,
    });
    expect(qms.status).toBe(401);
    expect(await qms.json()).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'no_secret',
      error: expect.stringMatching(/QMS_WEBHOOK_SECRET/),
    });
  });
});
