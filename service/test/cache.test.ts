import assert from "node:assert/strict";
import { CachedDocuments, type CacheOptions, UncachedDocuments } from "../src/cache";
import { DocumentError } from "../src/errors";
import { FakeClock, FakeStore } from "./helpers/fakeStore";

const TTL = 30_000;
const STALE = 300_000;
const BUDGET = 5000;

function cacheOn(store: FakeStore, clock: FakeClock, options: Partial<CacheOptions> = {}) {
  return new CachedDocuments(store, {
    ttlMs: TTL,
    maxBytes: 1024 * 1024,
    maxEntries: 100,
    staleIfErrorMs: STALE,
    loadTimeoutMs: 5000,
    now: clock.now,
    ...options,
  });
}

describe("CachedDocuments", () => {
  let store: FakeStore;
  let clock: FakeClock;

  beforeEach(() => {
    store = new FakeStore();
    clock = new FakeClock();
  });

  it("reads S3 once, then serves the copy while it is younger than the TTL", async () => {
    const doc = store.put("foo", { greeting: "I am the Foo" });
    const cache = cacheOn(store, clock);
    assert.deepEqual(await cache.lookup("foo", BUDGET), { document: doc, cache: "miss" });
    clock.advance(TTL - 1);
    assert.deepEqual(await cache.lookup("foo", BUDGET), { document: doc, cache: "hit" });
    assert.equal(store.reads.length, 1);
  });

  it("revalidates an expired copy with its ETag and keeps it when S3 answers 304", async () => {
    const doc = store.put("foo", { v: 1 });
    const cache = cacheOn(store, clock);
    await cache.lookup("foo", BUDGET);
    clock.advance(TTL);
    assert.deepEqual(await cache.lookup("foo", BUDGET), { document: doc, cache: "revalidated" });
    assert.deepEqual(store.reads, [
      { key: "foo", ifNoneMatch: undefined },
      { key: "foo", ifNoneMatch: doc.etag },
    ]);
    // The 304 restarts the TTL.
    clock.advance(TTL - 1);
    assert.equal((await cache.lookup("foo", BUDGET)).cache, "hit");
    assert.equal(store.reads.length, 2);
  });

  it("replaces an expired copy when the object has changed", async () => {
    store.put("foo", { v: 1 });
    const cache = cacheOn(store, clock);
    await cache.lookup("foo", BUDGET);
    const changed = store.put("foo", { v: 2 });
    clock.advance(TTL);
    assert.deepEqual(await cache.lookup("foo", BUDGET), { document: changed, cache: "miss" });
  });

  it("coalesces concurrent misses for one key into a single S3 read", async () => {
    const doc = store.put("foo", { v: 1 });
    store.delayMs = 20;
    const cache = cacheOn(store, clock);
    const lookups = await Promise.all(Array.from({ length: 25 }, () => cache.lookup("foo", BUDGET)));
    assert.equal(store.reads.length, 1);
    for (const lookup of lookups) assert.equal(lookup.document, doc);
  });

  it("coalesces concurrent revalidations too, and reads separate keys separately", async () => {
    store.put("foo", { v: 1 });
    store.put("bar", { v: 2 });
    const cache = cacheOn(store, clock);
    await Promise.all([cache.lookup("foo", BUDGET), cache.lookup("bar", BUDGET)]);
    clock.advance(TTL);
    store.delayMs = 10;
    await Promise.all(Array.from({ length: 10 }, (_, i) => cache.lookup(i % 2 ? "foo" : "bar", BUDGET)));
    assert.equal(store.reads.length, 4);
  });

  it("remembers a missing key for the TTL", async () => {
    const cache = cacheOn(store, clock);
    assert.deepEqual(await cache.lookup("nope", BUDGET), { document: undefined, cache: "miss" });
    assert.deepEqual(await cache.lookup("nope", BUDGET), { document: undefined, cache: "hit" });
    assert.equal(store.reads.length, 1);
    store.put("nope", { now: "here" });
    clock.advance(TTL);
    assert.equal((await cache.lookup("nope", BUDGET)).document?.body.toString(), '{"now":"here"}');
  });

  it("serves the last good copy when S3 fails transiently, and asks S3 again only after another TTL", async () => {
    const doc = store.put("foo", { v: 1 });
    const logged: object[] = [];
    const cache = cacheOn(store, clock, { logger: { warn: (details) => logged.push(details) } });
    await cache.lookup("foo", BUDGET);
    clock.advance(TTL);
    store.failure = new DocumentError("unavailable", "S3 is down");
    assert.deepEqual(await cache.lookup("foo", BUDGET), { document: doc, cache: "stale" });
    assert.equal(logged.length, 1);
    clock.advance(TTL - 1);
    assert.deepEqual(await cache.lookup("foo", BUDGET), { document: doc, cache: "stale" });
    assert.equal(store.reads.length, 2);
  });

  it("stops serving a stale copy once it is older than the TTL plus CACHE_STALE_IF_ERROR_MS", async () => {
    store.put("foo", { v: 1 });
    const cache = cacheOn(store, clock);
    await cache.lookup("foo", BUDGET);
    store.failure = new DocumentError("timeout", "S3 is slow");
    clock.advance(TTL + STALE);
    await assert.rejects(cache.lookup("foo", BUDGET), store.failure);
  });

  it("never serves a stale copy for a failure that is not transient", async () => {
    store.put("foo", { v: 1 });
    const cache = cacheOn(store, clock);
    await cache.lookup("foo", BUDGET);
    clock.advance(TTL);
    store.failure = new DocumentError("denied", "AccessDenied");
    await assert.rejects(cache.lookup("foo", BUDGET), store.failure);
  });

  it("never serves stale when CACHE_STALE_IF_ERROR_MS is 0", async () => {
    store.put("foo", { v: 1 });
    const cache = cacheOn(store, clock, { staleIfErrorMs: 0 });
    await cache.lookup("foo", BUDGET);
    clock.advance(TTL);
    store.failure = new DocumentError("unavailable", "S3 is down");
    await assert.rejects(cache.lookup("foo", BUDGET), store.failure);
  });

  it("ends a caller's wait after its timeout, while the shared read goes on for the others", async () => {
    const doc = store.put("foo", { v: 1 });
    store.delayMs = 100;
    const cache = cacheOn(store, clock);
    const first = cache.lookup("foo", 10);
    const second = cache.lookup("foo", BUDGET);
    await assert.rejects(
      first,
      (error: unknown) => error instanceof DocumentError && error.kind === "timeout",
    );
    assert.deepEqual(await second, { document: doc, cache: "miss" });
    assert.equal(store.reads.length, 1);
  });

  it("bounds the shared read by loadTimeoutMs", async () => {
    store.put("foo", { v: 1 });
    store.delayMs = 10_000;
    const cache = cacheOn(store, clock, { loadTimeoutMs: 50 });
    await assert.rejects(
      cache.lookup("foo", BUDGET),
      (error: unknown) => (error as DocumentError).kind === "timeout",
    );
  });

  it("evicts the least recently used documents beyond CACHE_MAX_BYTES", async () => {
    for (const key of ["a", "b", "c"]) store.put(key, { pad: "x".repeat(990) });
    // Room for two entries (each is charged its body plus a fixed overhead).
    const cache = cacheOn(store, clock, { maxBytes: 2600 });
    await cache.lookup("a", BUDGET);
    await cache.lookup("b", BUDGET);
    await cache.lookup("a", BUDGET);
    await cache.lookup("c", BUDGET);
    assert.equal(cache.size, 2);
    assert.ok(cache.bytes <= 2600);
    assert.equal((await cache.lookup("a", BUDGET)).cache, "hit");
    assert.equal((await cache.lookup("b", BUDGET)).cache, "miss");
  });

  it("evicts beyond CACHE_MAX_ENTRIES", async () => {
    const cache = cacheOn(store, clock, { maxEntries: 3 });
    for (const key of ["a", "b", "c", "d"]) await cache.lookup(key, BUDGET);
    assert.equal(cache.size, 3);
  });
});

describe("UncachedDocuments", () => {
  it("reads S3 on every lookup and reports the cache as off", async () => {
    const store = new FakeStore();
    const doc = store.put("foo", { v: 1 });
    const documents = new UncachedDocuments(store);
    assert.deepEqual(await documents.lookup("foo", BUDGET), { document: doc, cache: "off" });
    assert.deepEqual(await documents.lookup("nope", BUDGET), { document: undefined, cache: "off" });
    await documents.lookup("foo", BUDGET);
    assert.equal(store.reads.length, 3);
  });
});
