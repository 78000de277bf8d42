import { LRUCache } from "lru-cache";
import { withDeadline } from "./deadline";
import { DocumentError, isTransient } from "./errors";
import type { DocumentStore, StoredDocument } from "./store";

/**
 * How a lookup was answered, logged with every request:
 * hit (fresh copy), miss (read from S3), revalidated (S3 answered 304 to our ETag), stale (S3 failed transiently
 * and a recent copy was served), off (the cache is disabled; every request reads S3).
 */
export type CacheStatus = "hit" | "miss" | "revalidated" | "stale" | "off";

/** The answer to a lookup: the document, or undefined when there is none. */
export interface Lookup {
  /** The document, or undefined when the store has no object for the key. */
  readonly document: StoredDocument | undefined;
  /** How the answer was obtained. */
  readonly cache: CacheStatus;
}

/** What the routes read documents from. Throws DocumentError on failure. */
export interface DocumentSource {
  /**
   * Finds the document named `key`. The caller waits at most `timeoutMs` (then a "timeout" DocumentError); an
   * answer already in memory costs no timer at all, which matters at tens of thousands of requests per second.
   */
  lookup(key: string, timeoutMs: number): Promise<Lookup>;
}

/** Where the cache reports copies served because S3 failed. */
export interface CacheLogger {
  warn(details: object, message: string): void;
}

/** Cache settings. */
export interface CacheOptions {
  /** Milliseconds a copy is served without asking S3; after that it is revalidated with its ETag. */
  readonly ttlMs: number;
  /** Total size of the cached bodies, in bytes; least recently used entries go first. */
  readonly maxBytes: number;
  /** Most entries (documents and remembered misses). */
  readonly maxEntries: number;
  /** After the TTL, how much longer a copy may be served when S3 fails transiently (0: never serve stale). */
  readonly staleIfErrorMs: number;
  /** Milliseconds one S3 read may take in total (all attempts, the body included); it is shared by its waiters. */
  readonly loadTimeoutMs: number;
  /** Where stale serving is reported. Defaults to nowhere. */
  readonly logger?: CacheLogger;
  /** The clock, in milliseconds. Defaults to performance.now(). */
  readonly now?: () => number;
}

/** A cached answer: a document or a remembered miss. */
interface Entry {
  /** The document, or undefined for a key S3 has no object for. */
  readonly document: StoredDocument | undefined;
  /** When S3 last confirmed this answer (200, 304 or 404). */
  readonly validatedAt: number;
  /** When we last asked S3 (successfully or not); freshness counts from here, so a failing S3 is not hammered. */
  readonly checkedAt: number;
}

/** Bytes an entry is charged besides its body: the key, the ETag, the bookkeeping. */
const ENTRY_OVERHEAD_BYTES = 256;

/** Every request reads S3: for CACHE_TTL_MS=0, and the benchmark's baseline. */
export class UncachedDocuments implements DocumentSource {
  readonly #store: DocumentStore;

  constructor(store: DocumentStore) {
    this.#store = store;
  }

  async lookup(key: string, timeoutMs: number): Promise<Lookup> {
    const result = await withDeadline(timeoutMs, (signal) => this.#store.read(key, { signal }));
    if (result.kind === "not-modified")
      throw new DocumentError("upstream", "S3 answered 304 to an unconditional read");
    return { document: result.kind === "found" ? result.document : undefined, cache: "off" };
  }
}

/**
 * An in-memory LRU of documents with a TTL. An expired copy is revalidated with a conditional GET on its ETag
 * (a 304 keeps it); concurrent lookups of one key share a single S3 read; a transient S3 failure serves the last
 * good copy for a bounded time.
 */
export class CachedDocuments implements DocumentSource {
  readonly #store: DocumentStore;
  readonly #options: CacheOptions;
  readonly #now: () => number;
  readonly #entries: LRUCache<string, Entry>;
  /** Reads under way, by key: the coalescing of concurrent misses. */
  readonly #inflight = new Map<string, Promise<Lookup>>();

  constructor(store: DocumentStore, options: CacheOptions) {
    this.#store = store;
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    this.#entries = new LRUCache<string, Entry>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (entry, key) => ENTRY_OVERHEAD_BYTES + key.length + (entry.document?.size ?? 0),
    });
  }

  /** Entries held now, documents and misses. */
  get size(): number {
    return this.#entries.size;
  }

  /** Bytes held now, as charged against maxBytes. */
  get bytes(): number {
    return this.#entries.calculatedSize;
  }

  lookup(key: string, timeoutMs: number): Promise<Lookup> {
    const entry = this.#entries.get(key);
    if (entry && this.#now() - entry.checkedAt < this.#options.ttlMs) {
      return Promise.resolve({
        document: entry.document,
        cache: entry.validatedAt === entry.checkedAt ? "hit" : "stale",
      });
    }
    let load = this.#inflight.get(key);
    if (!load) {
      load = this.#refresh(key, entry).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, load);
    }
    return withTimeout(load, timeoutMs);
  }

  /** One S3 read for `key`, conditional when a copy exists. Never tied to one caller's timeout: it is shared. */
  async #refresh(key: string, previous: Entry | undefined): Promise<Lookup> {
    const ifNoneMatch = previous?.document?.etag;
    try {
      const result = await withDeadline(this.#options.loadTimeoutMs, (signal) =>
        this.#store.read(key, { ifNoneMatch, signal }),
      );
      const now = this.#now();
      if (result.kind === "not-modified") {
        if (!previous)
          throw new DocumentError("upstream", `S3 answered 304 to an unconditional read of ${key}`);
        this.#entries.set(key, { document: previous.document, validatedAt: now, checkedAt: now });
        return { document: previous.document, cache: "revalidated" };
      }
      const document = result.kind === "found" ? result.document : undefined;
      this.#entries.set(key, { document, validatedAt: now, checkedAt: now });
      return { document, cache: "miss" };
    } catch (error) {
      const now = this.#now();
      const window = this.#options.ttlMs + this.#options.staleIfErrorMs;
      if (!previous || !isTransient(error) || now - previous.validatedAt >= window) throw error;
      // Serve the last good copy and ask S3 again only after another TTL, so an outage is not a retry storm.
      this.#entries.set(key, { ...previous, checkedAt: now });
      this.#options.logger?.warn(
        { key, ageMs: Math.round(now - previous.validatedAt), err: error },
        "S3 failed; serving the cached copy",
      );
      return { document: previous.document, cache: "stale" };
    }
  }
}

/** Waits for `promise` at most `timeoutMs`, then rejects with a "timeout" DocumentError (the promise goes on). */
function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new DocumentError("timeout", `no answer within the ${timeoutMs} ms request budget`)),
      timeoutMs,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
