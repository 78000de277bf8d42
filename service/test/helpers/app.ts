import type { FastifyInstance } from "fastify";
import { type AppOptions, buildApp } from "../../src/app";
import { CachedDocuments } from "../../src/cache";
import { Readiness } from "../../src/readiness";
import type { FakeStore } from "./fakeStore";

/** The whole app over a FakeStore, with the production defaults unless overridden (load shedding off). */
export function appOn(store: FakeStore, options: AppOptions = {}): FastifyInstance {
  const documents = new CachedDocuments(store, {
    ttlMs: 30_000,
    maxBytes: 1 << 20,
    maxEntries: 100,
    staleIfErrorMs: 0,
    loadTimeoutMs: 5000,
  });
  const readiness = new Readiness(store, { cacheMs: 5000, timeoutMs: 1000 });
  return buildApp({ documents, readiness }, { shedEventLoopDelayMs: 0, ...options });
}
