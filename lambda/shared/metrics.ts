import { CloudWatchClient, MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';

/**
 * PutMetricData limits (API reference, 2023 onwards): at most 1000 metric data per request
 * and 1 MB per HTTP POST body. Our data are a few hundred bytes each, so the count binds
 * first; the byte budget is a guard for unusually long dimension values.
 */
export const MAX_METRICS_PER_CALL = 1000;
const MAX_BYTES_PER_CALL = 900_000;

/** What became of publishing the metrics of one run. */
export interface PublishResult {
  /** PutMetricData calls that succeeded. */
  readonly calls: number;
  /** Data points published. */
  readonly published: number;
  /** Data points that could not be published after the retries. */
  readonly failed: number;
  /** The last error of each failed batch. */
  readonly errors: string[];
}

/** Options of `publishMetrics`. */
export interface PublishOptions {
  /** Attempts per batch, first one included. */
  readonly attempts?: number;
  /** Base delay between attempts in ms (doubled each retry). */
  readonly backoffMs?: number;
  /** Where a batch that still fails is logged. */
  readonly log?: (message: string) => void;
}

/** Splits data into as few batches as the PutMetricData limits allow. */
export function batchMetricData(data: MetricDatum[]): MetricDatum[][] {
  const batches: MetricDatum[][] = [];
  let current: MetricDatum[] = [];
  let bytes = 0;
  for (const datum of data) {
    // Query-protocol form-encoding roughly doubles the JSON size; good enough as a guard.
    const size = JSON.stringify(datum).length * 2;
    if (current.length === MAX_METRICS_PER_CALL || (current.length > 0 && bytes + size > MAX_BYTES_PER_CALL)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(datum);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Publishes every datum in as few PutMetricData calls as allowed, sent concurrently. A failing
 * call is retried with backoff, then logged; it never throws, so a probe run always returns its summary.
 */
export async function publishMetrics(cloudwatch: CloudWatchClient, namespace: string, data: MetricDatum[], options: PublishOptions = {}): Promise<PublishResult> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const backoffMs = options.backoffMs ?? 200;
  const log = options.log ?? ((m: string) => console.error(m));
  // Batches go out together: a run over 1000 data points waits for one round trip, not one per batch.
  const outcomes = await Promise.all(batchMetricData(data).map(async (batch) => {
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await cloudwatch.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: batch }));
        return { size: batch.length };
      } catch (err) {
        lastError = err;
        if (attempt < attempts) await sleep(backoffMs * 2 ** (attempt - 1));
      }
    }
    return { size: batch.length, error: `PutMetricData of ${batch.length} data point(s) to namespace '${namespace}' failed after ${attempts} attempt(s): ${describeError(lastError)}` };
  }));
  let calls = 0;
  let published = 0;
  let failed = 0;
  const errors: string[] = [];
  for (const o of outcomes) {
    if (o.error === undefined) {
      calls++;
      published += o.size;
    } else {
      failed += o.size;
      errors.push(o.error);
      log(o.error);
    }
  }
  return { calls, published, failed, errors };
}

/** A one-line description of any thrown value. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: string }).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : `${err.name === 'Error' ? '' : err.name + ': '}${err.message}`;
  }
  return String(err);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
