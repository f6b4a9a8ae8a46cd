import { ReplayedError, SignatureInvalidError } from '../signatures/signature-errors.js';
import { MetricsService } from './metrics.service.js';

async function values(metrics: MetricsService, name: string): Promise<Array<{ labels: Record<string, string | number>; value: number }>> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  return (await metric.get()).values.map(({ labels, value }) => ({ labels: labels as Record<string, string | number>, value }));
}

describe('MetricsService', () => {
  let metrics: MetricsService;
  beforeEach(() => {
    metrics = new MetricsService();
  });
  afterEach(() => metrics.onModuleDestroy());

  it('counts verify outcomes by known code and folds anything else into `other`', async () => {
    metrics.verifyOutcome('valid', 0.001);
    metrics.verifyOutcome('token_expired', 0.002);
    metrics.verifyOutcome('cwk_123_secret-looking-value', 0.002);
    metrics.verifyOutcome('toString', 0.002);
    const counts = Object.fromEntries((await values(metrics, 'chatwarden_verify_token_total')).map((v) => [v.labels.code, v.value]));
    expect(counts).toMatchObject({ valid: 1, token_expired: 1, other: 2 });
    expect(Object.keys(counts)).not.toContain('toString');
    expect(Object.keys(counts).join()).not.toContain('cwk_');
  });

  it('files verify latency under valid, refused (4xx) and failed (5xx)', async () => {
    metrics.verifyOutcome('valid', 0.001);
    metrics.verifyOutcome('permission_denied', 0.001);
    metrics.verifyOutcome('store_unavailable', 0.001);
    metrics.verifyOutcome('no_active_key', 0.001);
    const counts = (await values(metrics, 'chatwarden_verify_token_duration_seconds'))
      .filter((v) => v.labels.le === '+Inf')
      .map((v) => [v.labels.result, v.value]);
    expect(Object.fromEntries(counts)).toEqual({ valid: 1, refused: 1, failed: 2 });
  });

  it('records signature outcomes by scheme and reason, with labels from the fixed lists', async () => {
    metrics.signatureChecked('slack', undefined, 0.0004);
    metrics.signatureChecked('slack', new SignatureInvalidError('no secret matched'), 0.0003);
    metrics.signatureChecked('meta', new ReplayedError('seen'), 0.002);
    metrics.signatureChecked('made-up', new Error('boom'), 0.5);
    const rows = (await values(metrics, 'chatwarden_signature_verifications_total')).map((v) => `${v.labels.scheme}/${v.labels.result}=${v.value}`);
    expect(rows.sort()).toEqual(['meta/replayed=1', 'other/other=1', 'slack/signature_invalid=1', 'slack/valid=1']);
    const counts = (await values(metrics, 'chatwarden_signature_verify_duration_seconds')).filter((v) => v.labels.le === '+Inf');
    expect(Object.fromEntries(counts.map((v) => [v.labels.scheme, v.value]))).toEqual({ slack: 2, meta: 1, other: 1 });
    const slackWithinAMillisecond = (await values(metrics, 'chatwarden_signature_verify_duration_seconds')).find((v) => v.labels.scheme === 'slack' && v.labels.le === 0.001);
    expect(slackWithinAMillisecond?.value).toBe(2);
  });

  it('keeps login, lockout, chat and key labels inside their enumerations', async () => {
    metrics.login('pwd');
    metrics.login('alice');
    metrics.loginFailure('wrong_password');
    metrics.loginFailure('hunter2');
    metrics.lockout('ip');
    metrics.lockout('10.0.0.1');
    metrics.chatPush('push', 'inbenta', 'ok');
    metrics.chatPush('push', 'evil-vendor', 'weird');
    metrics.tokenDecrypted('k-2026-01');
    metrics.tokenDecrypted('kid with spaces and "quotes"');
    const labelValues = async (name: string) => (await values(metrics, name)).flatMap((v) => Object.values(v.labels).map(String)).sort();
    expect(await labelValues('chatwarden_logins_total')).toEqual(['other', 'pwd']);
    expect(await labelValues('chatwarden_login_failures_total')).toEqual(['other', 'wrong_password']);
    expect(await labelValues('chatwarden_login_lockouts_total')).toEqual(['ip', 'other']);
    expect(await labelValues('chatwarden_chat_api_pushes_total')).toEqual(['inbenta', 'ok', 'other', 'other', 'push', 'push']);
    expect(await labelValues('chatwarden_token_key_decryptions_total')).toEqual(['k-2026-01', 'other']);
  });

  it('renders the Prometheus text format with default process metrics', async () => {
    metrics.storeError();
    const text = await metrics.render();
    expect(text).toContain('chatwarden_store_errors_total 1');
    expect(text).toContain('process_resident_memory_bytes');
  });
});
