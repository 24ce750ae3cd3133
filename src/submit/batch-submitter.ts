import pLimit from 'p-limit';
import type { Clock } from '../clock.ts';
import { describeError, SelScraperError } from '../errors.ts';
import type { EventInput } from '../normalize/event-input.ts';
import type { ItemResult, SelClient } from './sel-client.ts';

export type DeliveryStatus = 'created' | 'duplicate' | 'failed' | 'unknown';

export interface QueuedEvent {
  sourceName: string;
  event: EventInput;
}

export interface DeliveryResult extends QueuedEvent {
  status: DeliveryStatus;
  reason?: string;
  batchId?: string;
  /** SEL's ULID for the event (created or the existing duplicate). */
  selEventId?: string;
}

export interface BatchSubmitterOptions {
  client: SelClient;
  clock: Clock;
  /** Batches between POST and confirmation at once. */
  concurrency: number;
  batchSize: number;
  maxBatchBytes: number;
  pollTimeoutMs: number;
  pollInitialMs: number;
  pollMaxMs: number;
  onResult: (result: DeliveryResult) => void;
  signal?: AbortSignal;
}

/**
 * Packs events from every source into batches (SEL's cap is 100 events and 10 MiB; fewer,
 * fuller batches spend less of the per-IP rate limit), posts them with bounded concurrency and
 * polls each until the server reports per-item results. Every event ends in exactly one
 * DeliveryResult; a batch the server never confirms is "unknown", never "created".
 */
export class BatchSubmitter {
  private pending: { item: QueuedEvent; bytes: number }[] = [];
  private pendingBytes = 0;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly inFlight = new Set<Promise<void>>();
  private keyRejected: SelScraperError | undefined;

  constructor(private readonly options: BatchSubmitterOptions) {
    this.limit = pLimit(options.concurrency);
  }

  /** The error that stopped submission, if the server refused the key mid-run. */
  get stoppedBy(): SelScraperError | undefined {
    return this.keyRejected;
  }

  /** Queues one event; resolves once there is room, so a fast source cannot outrun the server. */
  async add(item: QueuedEvent): Promise<void> {
    const bytes = Buffer.byteLength(JSON.stringify(item.event)) + 1;
    if (this.pending.length > 0 && (this.pending.length >= this.options.batchSize || this.pendingBytes + bytes > this.options.maxBatchBytes)) {
      await this.dispatch();
    }
    this.pending.push({ item, bytes });
    this.pendingBytes += bytes;
    if (this.pending.length >= this.options.batchSize) await this.dispatch();
  }

  /** Sends what is left and waits until every batch is confirmed or given up on. */
  async finish(): Promise<void> {
    if (this.pending.length > 0) await this.dispatch();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async dispatch(): Promise<void> {
    const batch = this.pending.map((p) => p.item);
    this.pending = [];
    this.pendingBytes = 0;
    const task = this.limit(() => this.deliver(batch)).finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
    // Backpressure: wait while every slot is busy and more batches are queued behind them.
    while (this.limit.activeCount + this.limit.pendingCount > this.options.concurrency) {
      await Promise.race([...this.inFlight]);
    }
  }

  private async deliver(batch: QueuedEvent[]): Promise<void> {
    if (this.keyRejected) return this.settle(batch, 'failed', `not sent: ${this.keyRejected.message}`);
    if (this.options.signal?.aborted) return this.settle(batch, 'failed', 'not sent: the run was interrupted');
    let submitted;
    try {
      submitted = await this.options.client.submitBatch(batch.map((b) => b.event), this.options.signal);
    } catch (error) {
      if (error instanceof SelScraperError && error.code === 'ERR_KEY_REJECTED') {
        this.keyRejected = error;
        return this.settle(batch, 'failed', error.message);
      }
      const interrupted = this.options.signal?.aborted;
      return this.settle(batch, 'unknown', interrupted ? 'interrupted while the batch was being sent' : `batch not confirmed: ${describeError(error)}`);
    }
    if (submitted.kind === 'rejected') {
      if (batch.length === 1) return this.settle(batch, 'failed', `rejected by the server: ${submitted.reason}`);
      // One undecodable item makes the server refuse the whole batch; halve until it is isolated.
      const middle = Math.ceil(batch.length / 2);
      await Promise.all([this.deliver(batch.slice(0, middle)), this.deliver(batch.slice(middle))]);
      return;
    }
    if (submitted.kind === 'gave-up') {
      return this.settle(batch, submitted.maybeQueued ? 'unknown' : 'failed', `batch not accepted: ${submitted.reason}`);
    }
    await this.confirm(batch, submitted.batchId);
  }

  private async confirm(batch: QueuedEvent[], batchId: string): Promise<void> {
    const { clock, client, pollTimeoutMs, pollMaxMs, signal } = this.options;
    const deadline = clock.now() + pollTimeoutMs;
    let wait = this.options.pollInitialMs;
    for (;;) {
      const remaining = deadline - clock.now();
      if (remaining <= 0) break;
      try {
        await clock.sleep(Math.min(wait, remaining), signal);
      } catch {
        break;
      }
      const status = await client.batchStatus(batchId, signal);
      if (status.kind === 'completed') return this.join(batch, batchId, status.results);
      if (signal?.aborted) break;
      wait = Math.min(wait * 2, pollMaxMs);
    }
    const why = signal?.aborted ? 'the run was interrupted before' : `no result within ${Math.round(pollTimeoutMs / 1000)} s after`;
    this.settle(batch, 'unknown', `batch ${batchId} accepted, ${why} the server confirmed it`, batchId);
  }

  private join(batch: QueuedEvent[], batchId: string, results: ItemResult[]): void {
    const byIndex = new Map(results.map((r) => [r.index, r]));
    batch.forEach((item, index) => {
      const result = byIndex.get(index);
      if (!result) {
        this.options.onResult({ ...item, status: 'unknown', reason: `batch ${batchId} completed without a result for this event`, batchId });
        return;
      }
      this.options.onResult({
        ...item,
        status: result.status,
        batchId,
        ...(result.error ? { reason: result.error } : {}),
        ...(result.eventId ? { selEventId: result.eventId } : {}),
      });
    });
  }

  private settle(batch: QueuedEvent[], status: DeliveryStatus, reason: string, batchId?: string): void {
    for (const item of batch) this.options.onResult({ ...item, status, reason, ...(batchId ? { batchId } : {}) });
  }
}
