import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { DocumentError } from "../../src/errors";
import {
  type DocumentStore,
  type ReadOptions,
  type ReadResult,
  type StoredDocument,
  toDocument,
} from "../../src/store";

/** One call to FakeStore.read, as the store saw it. */
export interface ReadCall {
  readonly key: string;
  readonly ifNoneMatch: string | undefined;
}

/** An in-memory DocumentStore that records its calls and can be made slow or failing. */
export class FakeStore implements DocumentStore {
  readonly documents = new Map<string, StoredDocument>();
  readonly reads: ReadCall[] = [];
  probes = 0;
  /** Every read waits this long first (aborted by the read's signal). */
  delayMs = 0;
  /** Every read (after its delay) throws this, when set. */
  failure: DocumentError | undefined;
  /** Every probe throws this, when set. */
  probeFailure: DocumentError | undefined;

  /** Stores `json` (serialised unless already a string) under `key`, with an MD5 ETag as S3 computes it. */
  put(key: string, json: unknown): StoredDocument {
    const bytes = Buffer.from(typeof json === "string" ? json : JSON.stringify(json));
    const document = toDocument(bytes, `"${createHash("md5").update(bytes).digest("hex")}"`);
    this.documents.set(key, document);
    return document;
  }

  async read(key: string, options: ReadOptions = {}): Promise<ReadResult> {
    this.reads.push({ key, ifNoneMatch: options.ifNoneMatch });
    if (this.delayMs > 0) {
      try {
        await sleep(this.delayMs, undefined, { signal: options.signal });
      } catch (error) {
        throw new DocumentError("timeout", "fake read aborted", { cause: error });
      }
    }
    if (this.failure) throw this.failure;
    const document = this.documents.get(key);
    if (!document) return { kind: "missing" };
    if (options.ifNoneMatch === document.etag) return { kind: "not-modified" };
    return { kind: "found", document };
  }

  async probe(): Promise<void> {
    this.probes++;
    if (this.probeFailure) throw this.probeFailure;
  }
}

/** A clock the test moves by hand. */
export class FakeClock {
  ms = 1_000_000;
  readonly now = () => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}
