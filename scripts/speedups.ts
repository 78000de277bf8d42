/**
 * Imported first by the scripts that evaluate stacks (plan, cost), before anything heavy loads: they spend most
 * of their time loading the Pulumi SDKs, in this process and in one child process per stack evaluated.
 *
 * - V8's compile cache (Node's module.enableCompileCache) for this process, and through NODE_COMPILE_CACHE for the
 *   children: the SDKs' modules are compiled once, not on every run. The cache is keyed by each file's content
 *   and the Node version, so it cannot serve stale code; it lives in node_modules/.cache.
 * - No stack traces in the children (--stack-trace-limit=0): Pulumi captures one for every promise it creates,
 *   and under tsx's source maps each capture costs a lookup per frame. The scripts print messages, never those.
 */
import * as module from "node:module";
import * as path from "node:path";

const cache = path.join(__dirname, "..", "node_modules", ".cache", "compile-cache");
module.enableCompileCache?.(cache);
process.env.NODE_COMPILE_CACHE ??= cache;
process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, "--stack-trace-limit=0"].filter(Boolean).join(" ");
