import pLimit from 'p-limit';
import { decodeTime, isValid as isUlid } from 'ulid';
import type { Clock } from '../clock.ts';
import { describeError, SelScraperError } from '../errors.ts';
import type { EventInput } from '../normalize/event-input.ts';
import { eventKey } from './event-key.ts';
import type { BatchStatus, ItemResult, SelClient, SubmitResult } from './sel-client.ts';

export type DeliveryStatus = 'created' | 'duplicate' | 'failed' | 'unknown';

export interface QueuedEvent {
  sourceName: string;
  event: EventInput;
  /** An earlier attempt (an unanswered POST, an interrupted run) may already have delivered it. */
  sentBefore?: boolean;
}

export interface DeliveryResult extends QueuedEvent {
  status: DeliveryStatus;
  reason?: string;
  batchId?: string;
  /** SEL's ULID for the event (created or the existing duplicate). */
  selEventId?: string;
  /** The server's own verdict on this event (a batch result, or a 400 for it alone): re-sending cannot change it. */
  final?: true;
}

/**
 * Where the submitter records what it does, so an interrupted run can be resumed: the events of
 * a batch are announced before its POST leaves, the batch id once the server accepted it, and
 * every outcome once known.
 */
export interface SubmissionJournal {
  sending(keys: readonly string[]): void;
  posted(batchId: string, keys: readonly string[]): void;
  settled(results: readonly DeliveryResult[], batchId: string | undefined): void;
}

/** How events are packed and confirmed: the same for `scrape all` and `scrape replay`. */
export interface BatchSettings {
  /** Batches between POST and confirmation at once. */
  concurrency: number;
  batchSize: number;
  maxBatchBytes: number;
  pollTimeoutMs: number;
  pollInitialMs: number;
  pollMaxMs: number;
}

export interface BatchSubmitterOptions extends BatchSettings {
  client: SelClient;
  clock: Clock;
  onResult: (result: DeliveryResult) => void;
  /** Hard stop: waits and requests end now; what is unconfirmed is reported unknown. */
  signal?: AbortSignal;
  /** Soft stop (Ctrl-C, --timeout): no new batch is posted; batches in flight are still confirmed until `signal`. */
  stop?: AbortSignal;
  journal?: SubmissionJournal;
  /** Times a batch the client gave up on goes back to the end of the queue (re-sending is safe: the server deduplicates). */
  resendRounds?: number;
  /**
   * When this run started (epoch ms). A re-sent event answered "duplicate" whose SEL id (a ULID)
   * was minted since then was created by this run's own earlier, unanswered attempt: it counts as
   * created, so the printed counts match what the server holds.
   */
  ownEventsSince?: number;
}

interface Batch {
  items: QueuedEvent[];
  /** How many times this batch was given up on and queued again. */
  round: number;
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
    const items = this.pending.map((p) => p.item);
    this.pending = [];
    this.pendingBytes = 0;
    this.enqueue({ items, round: 0 });
    // Backpressure: wait while every slot is busy and more batches are queued behind them.
    while (this.limit.activeCount + this.limit.pendingCount > this.options.concurrency) {
      await Promise.race([...this.inFlight]);
    }
  }

  private enqueue(batch: Batch): void {
    const task = this.limit(() => this.deliver(batch)).finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  private async deliver(batch: Batch): Promise<void> {
    const { items } = batch;
    if (this.keyRejected) return this.settle(items, 'failed', `not sent: ${this.keyRejected.message}`);
    const stopped = this.stopReason();
    if (stopped) return this.settle(items, 'failed', `not sent: ${stopped}`);
    const keys = items.map((item) => eventKey(item.event));
    this.options.journal?.sending(keys);
    let submitted: SubmitResult;
    try {
      submitted = await this.options.client.submitBatch(
        items.map((item) => item.event),
        this.options.signal,
      );
    } catch (error) {
      if (error instanceof SelScraperError && error.code === 'ERR_KEY_REJECTED') {
        this.keyRejected = error;
        return this.settle(items, 'failed', error.message);
      }
      return this.settle(items, 'unknown', `batch not confirmed: ${describeError(error)}`);
    }
    if (submitted.kind === 'rejected') {
      if (items.length === 1) return this.settle(items, 'failed', `rejected by the server: ${submitted.reason}`, { final: true });
      // One undecodable item makes the server refuse the whole batch; halve until it is isolated.
      const middle = Math.ceil(items.length / 2);
      await Promise.all([
        this.deliver({ items: items.slice(0, middle), round: batch.round }),
        this.deliver({ items: items.slice(middle), round: batch.round }),
      ]);
      return;
    }
    if (submitted.kind === 'gave-up') {
      const retried = submitted.maybeQueued ? items.map((item) => ({ ...item, sentBefore: true })) : items;
      if (batch.round < (this.options.resendRounds ?? 0) && !this.stopReason()) {
        this.enqueue({ items: retried, round: batch.round + 1 });
        return;
      }
      return this.settle(retried, submitted.maybeQueued ? 'unknown' : 'failed', `batch not accepted: ${submitted.reason}`);
    }
    this.options.journal?.posted(submitted.batchId, keys);
    await this.confirm(submitted.maybeQueuedBefore ? items.map((item) => ({ ...item, sentBefore: true })) : items, submitted.batchId);
  }

  private async confirm(items: QueuedEvent[], batchId: string): Promise<void> {
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
      let status: BatchStatus;
      try {
        status = await client.batchStatus(batchId, signal);
      } catch (error) {
        return this.settle(items, 'unknown', `batch ${batchId} accepted, but its status could not be read: ${describeError(error)}`, { batchId });
      }
      if (status.kind === 'completed') return this.join(items, batchId, status.results);
      if (signal?.aborted) break;
      wait = Math.min(wait * 2, pollMaxMs);
    }
    const why = signal?.aborted
      ? `${this.stopReason() ?? 'the run was interrupted'} before the server confirmed it`
      : `no result within ${Math.round(pollTimeoutMs / 1000)} s (--poll-timeout); the server may still create it`;
    this.settle(items, 'unknown', `batch ${batchId} accepted, ${why}`, { batchId });
  }

  private join(items: QueuedEvent[], batchId: string, results: ItemResult[]): void {
    const byIndex = new Map(results.map((r) => [r.index, r]));
    const delivered = items.map((item, index): DeliveryResult => {
      const result = byIndex.get(index);
      if (!result) return { ...item, status: 'unknown', reason: `batch ${batchId} completed without a result for this event`, batchId };
      const ours =
        result.status === 'duplicate' &&
        item.sentBefore === true &&
        this.options.ownEventsSince !== undefined &&
        mintedSince(result.eventId, this.options.ownEventsSince);
      return {
        ...item,
        status: ours ? 'created' : result.status,
        batchId,
        final: true,
        ...(result.error ? { reason: result.error } : {}),
        ...(result.eventId ? { selEventId: result.eventId } : {}),
      };
    });
    this.report(delivered, batchId);
  }

  private settle(items: QueuedEvent[], status: DeliveryStatus, reason: string, extra: { batchId?: string; final?: true } = {}): void {
    this.report(
      items.map((item) => ({ ...item, status, reason, ...extra })),
      extra.batchId,
    );
  }

  private report(results: DeliveryResult[], batchId: string | undefined): void {
    this.options.journal?.settled(results, batchId);
    for (const result of results) this.options.onResult(result);
  }

  /** Why no new batch may start, or undefined while the run goes on. */
  private stopReason(): string | undefined {
    const signal = [this.options.signal, this.options.stop].find((s) => s?.aborted);
    if (!signal) return undefined;
    return signal.reason instanceof SelScraperError ? signal.reason.message : 'the run was interrupted';
  }
}

/** Whether a SEL event id (a ULID, which starts with its creation time) was minted at or after `since`. */
export function mintedSince(selEventId: string | undefined, since: number): boolean {
  return selEventId !== undefined && isUlid(selEventId) && decodeTime(selEventId) >= since;
}

/**
 * How often to poll batch status so polls never crowd out posts. Every poll spends a token of
 * the per-IP budget R (requests a minute) like a POST does; C batches each polling every I
 * seconds spend 60·C/I a minute. Keeping that to half the budget gives I ≥ 120·C/R seconds:
 * 4 s at the public tier's 60/min with 2 batches in flight, 64 s at 30/min with 16. Polling
 * starts at 1 s (most batches finish in seconds) and doubles up to that interval, never below
 * 10 s and never above 60 s.
 */
export function pollIntervals(ratePerMinute: number, concurrency: number): { pollInitialMs: number; pollMaxMs: number } {
  const fairShareMs = ratePerMinute > 0 ? Math.ceil((120_000 * concurrency) / ratePerMinute) : 0;
  return { pollInitialMs: 1_000, pollMaxMs: Math.min(60_000, Math.max(10_000, fairShareMs)) };
}

/** SEL's server caps a batch at 10 MiB; staying at 2 MiB keeps an upload inside its 10 s read deadline. */
export const MAX_BATCH_BYTES = 2 * 1024 * 1024;

/** Batch settings from the command-line knobs (poll pacing derived from the rate limit). */
export function batchSettings(flags: { concurrency: number; batchSize: number; pollTimeoutSeconds: number; ratePerMinute: number }): BatchSettings {
  return {
    concurrency: flags.concurrency,
    batchSize: flags.batchSize,
    maxBatchBytes: MAX_BATCH_BYTES,
    pollTimeoutMs: flags.pollTimeoutSeconds * 1000,
    ...pollIntervals(flags.ratePerMinute, flags.concurrency),
  };
}
