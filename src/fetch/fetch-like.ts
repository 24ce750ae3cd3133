/** The request the SEL client and the admin key store make: JSON over http(s), always bounded by a signal. */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/** What they read of the answer. */
export interface FetchAnswer {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  /** Read in bounded chunks (fetch/server-answer.ts), never whole: a server can answer anything. */
  readonly body: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
}

/**
 * The part of fetch the SEL client needs: undici's fetch through the run's dispatcher
 * (fetch/network.ts) is one, and so is the global fetch msw intercepts in tests.
 */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchAnswer>;
