import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** HTTP details of the API, each a small pure function: request ids, validators, security headers, proxies. */

/** Request ids we accept from the ALB's X-Amzn-Trace-Id: printable ASCII without spaces, bounded. */
const TRACE_ID = /^[\x21-\x7e]{1,256}$/;

/** The request id: the ALB's trace id, so our log line and the ALB's access log share it; a UUID otherwise. */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers["x-amzn-trace-id"];
  return typeof header === "string" && TRACE_ID.test(header) ? header : randomUUID();
}

/** Whether an If-None-Match header matches `etag` (weak comparison, as RFC 9110 prescribes for it). */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string) => (tag.startsWith("W/") ? tag.slice(2) : tag);
  const target = opaque(etag);
  return header.split(",").some((candidate) => {
    const tag = candidate.trim();
    return tag === "*" || opaque(tag) === target;
  });
}

/**
 * Security headers for a JSON API (OWASP REST Security Cheat Sheet): nothing may render, frame or sniff our
 * responses, and browsers keep to HTTPS. The same on every response, so computed once. Not @fastify/helmet:
 * measured here, its per-request middleware halved throughput, and half its headers are for HTML pages.
 */
export function securityHeaders(corsEnabled: boolean): Readonly<Record<string, string>> {
  return Object.freeze({
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "cross-origin-resource-policy": corsEnabled ? "cross-origin" : "same-origin",
    "referrer-policy": "no-referrer",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
  });
}

/** Trusts the `hops` nearest proxies (the ALB) and nothing a client wrote further left in X-Forwarded-For. */
export function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}
