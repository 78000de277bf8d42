/**
 * The direction of every dependency in the repository: `index.ts` -> `stacks/` -> `components/`; the service and
 * the infrastructure meet in the service's contract module and nowhere else; the bootstrap builds on the
 * components, never on the program's config. Read from the source text, so a new import that breaks a rule
 * fails here before anyone reviews it.
 */
import * as assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../lib/harness";

/** Every `.ts` file under `dir` (relative to the project root), skipping dependencies and build output. */
function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(PROJECT_ROOT, rel))) {
      if (entry === "node_modules" || entry === "dist" || entry.startsWith(".")) continue;
      const child = path.join(rel, entry);
      if (statSync(path.join(PROJECT_ROOT, child)).isDirectory()) walk(child);
      else if (entry.endsWith(".ts") && !entry.endsWith(".d.ts")) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

/** The relative modules a file imports (static imports, re-exports, `require` and `import()`), resolved to files. */
function localImports(file: string, text = readFileSync(path.join(PROJECT_ROOT, file), "utf8")): string[] {
  const specifiers = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/g),
    ...text.matchAll(/(?:^|\n)\s*import\s+"([^"]+)"/g),
    ...text.matchAll(/(?:require|import)\(\s*"([^"]+)"\s*\)/g),
  ].map((m) => m[1]);
  return specifiers
    .filter((s) => s.startsWith("."))
    .map((s) => {
      const base = path.normalize(path.join(path.dirname(file), s));
      for (const candidate of [`${base}.ts`, path.join(base, "index.ts"), base]) {
        try {
          if (statSync(path.join(PROJECT_ROOT, candidate)).isFile()) return candidate;
        } catch {}
      }
      return base;
    });
}

/** The folder a path belongs to, for the rules below. */
const top = (p: string) => (p.includes(path.sep) ? p.split(path.sep)[0] : p);

const CONTRACT = path.join("service", "src", "contract", "index.ts");

describe("dependencies between folders", () => {
  it("finds imports the way the rules read them", () => {
    const text = [
      'import * as aws from "@pulumi/aws";',
      'import { a } from "./args";',
      'import type { B } from "../stacks/schema";',
      'export { c } from "./provider";',
      'const d = require("../service/src/contract");',
      'import "../lib/harness";',
    ].join("\n");
    assert.deepEqual(localImports(path.join("components", "x.ts"), text), [
      path.join("components", "args.ts"),
      path.join("stacks", "schema.ts"),
      path.join("components", "provider.ts"),
      path.join("lib", "harness", "index.ts"),
      CONTRACT,
    ]);
  });

  it("keeps components/ free of the program: no stacks/, no index.ts, no lib/, and of the service only its contract", () => {
    const broken: string[] = [];
    for (const file of sources("components")) {
      for (const imported of localImports(file)) {
        const allowed = top(imported) === "components" || imported === CONTRACT;
        if (!allowed) broken.push(`${file} imports ${imported}`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it("lets stacks/ read the components and nothing else of the repository", () => {
    const broken = sources("stacks").flatMap((file) =>
      localImports(file)
        .filter((i) => !["stacks", "components"].includes(top(i)))
        .map((i) => `${file} imports ${i}`),
    );
    assert.deepEqual(broken, []);
  });

  it("keeps the service self-contained: it imports nothing outside service/ (its image is built from that folder)", () => {
    const broken = sources("service").flatMap((file) =>
      localImports(file)
        .filter((i) => top(i) !== "service")
        .map((i) => `${file} imports ${i}`),
    );
    assert.deepEqual(broken, []);
  });

  it("keeps the service's contract free of the service: it imports only itself", () => {
    const contractDir = path.dirname(CONTRACT);
    const broken = sources(contractDir).flatMap((file) =>
      localImports(file)
        .filter((i) => path.dirname(i) !== contractDir)
        .map((i) => `${file} imports ${i}`),
    );
    assert.deepEqual(broken, []);
  });

  it("builds the bootstrap on the components only, never on the program's stack config", () => {
    const broken = sources("bootstrap").flatMap((file) =>
      localImports(file)
        .filter((i) => !["bootstrap", "components"].includes(top(i)))
        .map((i) => `${file} imports ${i}`),
    );
    assert.deepEqual(broken, []);
  });

  it("composes the program in index.ts from stacks/ and components/ only", () => {
    const broken = localImports("index.ts")
      .filter((i) => !["stacks", "components"].includes(top(i)))
      .map((i) => `index.ts imports ${i}`);
    assert.deepEqual(broken, []);
  });

  it("lets nothing but tests import tests/", () => {
    const broken = ["components", "stacks", "service", "bootstrap", "lib", "policy", "scripts"]
      .flatMap(sources)
      .flatMap((file) =>
        localImports(file)
          .filter((i) => top(i) === "tests")
          .map((i) => `${file} imports ${i}`),
      );
    assert.deepEqual(broken, []);
  });
});
