import { withDeadline } from "./deadline";
import type { DocumentStore } from "./store";

/** The outcome of the last readiness probe. */
export interface ReadinessState {
  /** True when S3 answered the probe. */
  readonly ready: boolean;
  /** Why not, for the logs and the /readyz body; undefined when ready. */
  readonly reason?: string;
}

/** Readiness settings. */
export interface ReadinessOptions {
  /** Milliseconds a probe's outcome is reused, so probes never cost one S3 call each. */
  readonly cacheMs: number;
  /** Milliseconds one probe may take. */
  readonly timeoutMs: number;
  /** The clock, in milliseconds. Defaults to performance.now(). */
  readonly now?: () => number;
}

/** Whether S3 is reachable, asked of S3 at most once per `cacheMs` however often /readyz is called. */
export class Readiness {
  readonly #store: DocumentStore;
  readonly #options: ReadinessOptions;
  readonly #now: () => number;
  #last: { state: ReadinessState; at: number } | undefined;
  #probing: Promise<ReadinessState> | undefined;

  constructor(store: DocumentStore, options: ReadinessOptions) {
    this.#store = store;
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
  }

  /** The cached state, or a fresh probe (shared by concurrent callers) once it has expired. */
  async check(): Promise<ReadinessState> {
    if (this.#last && this.#now() - this.#last.at < this.#options.cacheMs) return this.#last.state;
    this.#probing ??= this.#probe().finally(() => {
      this.#probing = undefined;
    });
    return this.#probing;
  }

  async #probe(): Promise<ReadinessState> {
    let state: ReadinessState;
    try {
      await withDeadline(this.#options.timeoutMs, (signal) => this.#store.probe(signal));
      state = { ready: true };
    } catch (error) {
      state = { ready: false, reason: (error as Error).message };
    }
    this.#last = { state, at: this.#now() };
    return state;
  }
}
