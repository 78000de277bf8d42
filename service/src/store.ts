/**
 * The seam between the HTTP layer and S3: a store reads one document by key, conditionally on an ETag. The cache
 * and the routes depend on these types only, so they are tested without S3, and the S3 implementation is tested
 * against the emulator.
 */

/** A document as stored: its exact bytes (already checked to be JSON) and its validator. */
export interface StoredDocument {
  /** The object's bytes, served as they are so the ETag stays true to them. */
  readonly body: Buffer;
  /** The object's ETag, quoted as S3 returns it (a strong validator). */
  readonly etag: string;
  /** When the object was last written, if the store says. */
  readonly lastModified?: Date;
}

/** What a read can find. Failures are thrown as DocumentError instead. */
export type ReadResult =
  | { readonly kind: "found"; readonly document: StoredDocument }
  /** Only when `ifNoneMatch` was given and the object still has that ETag. */
  | { readonly kind: "not-modified" }
  | { readonly kind: "missing" };

/** Options of one read. */
export interface ReadOptions {
  /** Ask for the object only if its ETag differs from this one (S3 answers 304 otherwise). */
  readonly ifNoneMatch?: string;
  /** Aborts the read; the store then throws a DocumentError of kind "timeout". */
  readonly signal?: AbortSignal;
}

/** Reads documents by key. Throws DocumentError for every failure. */
export interface DocumentStore {
  /** Reads the document named `key` (already validated by keyProblem). */
  read(key: string, options?: ReadOptions): Promise<ReadResult>;
  /** Resolves when the store answers at all (for /readyz); throws DocumentError otherwise. */
  probe(signal?: AbortSignal): Promise<void>;
}
