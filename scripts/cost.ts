/**
 * `npm run --silent cost -- [--base <dir>] [--label <text>] [--format text|markdown] [usage flags]`
 *
 * Without --base: every stack's itemised monthly estimate. With --base: what this checkout costs against another
 * checkout of the project (a pull request's base, checked out in <dir> with this checkout's node_modules linked
 * in), per stack and item, biggest first; --format markdown writes it for a pull request comment. The base is
 * evaluated and priced with this checkout's harness, table and estimators, so a base without cost support yet is
 * compared all the same; a base stack that fails to evaluate is reported, not fatal.
 */
import "./speedups";
import { existsSync, realpathSync } from "node:fs";
import * as path from "node:path";
import {
  type Checkout,
  compareCheckouts,
  deltaLines,
  deltaMarkdown,
  estimateLines,
  estimateStack,
  estimatesMarkdown,
  parseUsageFlags,
  USAGE_FLAGS,
} from "../lib/cost";
import { evaluateStack, PROJECT_ROOT, stackConfig } from "../lib/harness";
import { knownStacks } from "../lib/plan";

const USAGE = `usage: npm run --silent cost -- [--base <dir>] [--label <text>] [--format text|markdown] [${USAGE_FLAGS.join("] [")}]`;

function fail(message: string, code = 2): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(code);
}

/** --base, --label and --format, and what is left. */
function options(args: string[]): {
  base?: string;
  label?: string;
  format: "text" | "markdown";
  rest: string[];
} {
  const out: { base?: string; label?: string; format: "text" | "markdown"; rest: string[] } = {
    format: "text",
    rest: [],
  };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    if (!["--base", "--label", "--format"].includes(flag)) {
      out.rest.push(args[i]);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) fail(`${flag} needs a value`);
    if (flag === "--base") out.base = value;
    else if (flag === "--label") out.label = value;
    else if (value === "text" || value === "markdown") out.format = value;
    else fail(`--format ${value}: expected text or markdown`);
  }
  return out;
}

/** A checkout of the project at `root`, evaluated with this checkout's harness. */
function checkout(root: string): Checkout {
  const own = root === PROJECT_ROOT;
  return {
    stacks: () => knownStacks(root),
    evaluate: async (stack) => {
      const evaluation = await evaluateStack(
        stack,
        own ? {} : { projectRoot: root, programPath: path.join(root, "index.ts") },
      );
      return { region: stackConfig(stack, {}, root).config["aws:region"], resources: evaluation.resources };
    },
  };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseUsageFlags>;
  try {
    parsed = parseUsageFlags(process.argv.slice(2));
  } catch (err) {
    fail((err as Error).message);
  }
  const { base, label, format, rest } = options(parsed.rest);
  if (rest.length) fail(`unexpected arguments: ${rest.join(" ")}`);
  const head = checkout(PROJECT_ROOT);

  if (base === undefined) {
    const stacks = head.stacks();
    const estimates = await Promise.all(
      stacks.map(async (stack) => {
        const { region, resources } = await head.evaluate(stack);
        return estimateStack(stack, region, resources, parsed.overrides);
      }),
    );
    if (format === "markdown") {
      process.stdout.write(estimatesMarkdown(estimates));
    } else {
      for (const e of estimates) process.stdout.write(`== ${e.stack}\n${estimateLines(e).join("\n")}\n\n`);
    }
    return;
  }

  const root = path.resolve(base);
  if (!existsSync(path.join(root, "Pulumi.yaml")))
    fail(`--base ${base}: no Pulumi project there (no Pulumi.yaml)`);
  if (!existsSync(path.join(root, "node_modules"))) {
    fail(
      `--base ${base}: no node_modules; link this checkout's: ln -s ${PROJECT_ROOT}/node_modules ${root}/node_modules`,
    );
  }
  if (realpathSync(root) === realpathSync(PROJECT_ROOT)) fail(`--base ${base} is this checkout`);
  const changes = await compareCheckouts(checkout(root), head, parsed.overrides);
  const baseLabel = label ?? `the checkout in ${base}`;
  if (format === "markdown") {
    process.stdout.write(deltaMarkdown(changes, baseLabel));
    return;
  }
  for (const c of changes) {
    process.stdout.write(`== ${c.stack} against ${baseLabel}\n`);
    if (c.error) process.stdout.write(`  ${c.error}\n`);
    if (c.before && c.after) {
      const names = { before: "the base", after: "this change" };
      process.stdout.write(`${deltaLines(c.before, c.after, [], 15, names).join("\n")}\n`);
    }
    process.stdout.write("\n");
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
