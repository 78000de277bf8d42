import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundle } from "../build/bundle";

/**
 * build/bundle.js, the image's build step: what it refuses, and what it writes beside the code so that the image
 * still says what it contains (the packages' licences, and an SBOM a scanner can read). The packages "in the
 * bundle" are read from esbuild's own `// node_modules/<package>/<file>` markers in the code, not from the
 * bundler's list. The bundle's behaviour as
 * a running service is process.test.ts's.
 */

const SERVICE_DIR = join(__dirname, "..");

describe("the bundle (build/bundle.js)", function () {
  this.timeout(120_000);
  let out: string;
  let fixture: string;
  before(async () => {
    out = await mkdtemp(join(tmpdir(), "bundle-"));
    fixture = await mkdtemp(join(tmpdir(), "bundle-fixture-"));
  });
  after(async () => {
    await rm(out, { recursive: true, force: true });
    await rm(fixture, { recursive: true, force: true });
  });

  it("refuses a require it cannot bundle, even one inside try/catch, which esbuild leaves out without a warning", async () => {
    // The shape of an optional dependency: fine in node_modules, a silent gap in an image without them.
    const src = join(fixture, "src");
    await mkdir(src);
    await writeFile(
      join(src, "server.ts"),
      'let extra: unknown;\ntry {\n  extra = require("an-optional-package");\n} catch {}\nexport { extra };\n',
    );
    await assert.rejects(
      bundle(join(fixture, "out"), { srcDir: src, entryPoints: ["server"] }),
      (error: Error) => {
        assert.match(
          error.message,
          /^bundling server: an-optional-package \(require-call\) is left outside the bundle/,
        );
        return true;
      },
    );
  });

  describe("the service's bundle", () => {
    let licences: string;
    let code: string;
    before(async () => {
      await bundle(out);
      licences = await readFile(join(out, "THIRD_PARTY_LICENSES.txt"), "utf8");
      code = (
        await Promise.all(
          ["server.js", "warmup.js", "healthcheck.js"].map((f) => readFile(join(out, f), "utf8")),
        )
      ).join("\n");
    });

    /** Package names whose code is in the bundle, from esbuild's `// node_modules/<package>/<file>` markers. */
    const bundledPackages = () =>
      new Set([...code.matchAll(/^\/\/ (?:.*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((m) => m[1]));

    it("carries the licence of exactly the packages whose code it holds", () => {
      const listed = new Set([...licences.matchAll(/^((?:@[^/\s]+\/)?[^@\s]+)@\d\S* \(/gm)].map((m) => m[1]));
      assert.ok(bundledPackages().has("fastify") && bundledPackages().has("@aws-sdk/client-s3"));
      assert.deepEqual([...listed].sort(), [...bundledPackages()].sort());
    });

    it("quotes each package's own licence file", async () => {
      const fastify = JSON.parse(
        await readFile(join(SERVICE_DIR, "node_modules/fastify/package.json"), "utf8"),
      );
      const text = (await readFile(join(SERVICE_DIR, "node_modules/fastify/LICENSE"), "utf8")).trim();
      assert.ok(licences.includes(`fastify@${fastify.version} (MIT)\n\n${text}\n`));
    });

    it("carries a CycloneDX SBOM of exactly those packages, with their versions, package URLs and licences", async () => {
      const sbom = JSON.parse(await readFile(join(out, "sbom.cdx.json"), "utf8")) as {
        bomFormat: string;
        specVersion: string;
        components: {
          type: string;
          group?: string;
          name: string;
          version: string;
          purl: string;
          licenses?: unknown[];
        }[];
      };
      assert.equal(sbom.bomFormat, "CycloneDX");
      assert.equal(sbom.specVersion, "1.5");
      const names = sbom.components.map((c) => (c.group ? `${c.group}/${c.name}` : c.name));
      assert.deepEqual([...new Set(names)].sort(), [...bundledPackages()].sort());
      const sdk = sbom.components.find((c) => c.group === "@aws-sdk" && c.name === "client-s3");
      const version = JSON.parse(await readFile(join(SERVICE_DIR, "package.json"), "utf8")).dependencies[
        "@aws-sdk/client-s3"
      ];
      assert.deepEqual(sdk && { purl: sdk.purl, licenses: sdk.licenses }, {
        purl: `pkg:npm/%40aws-sdk/client-s3@${version}`,
        licenses: [{ license: { id: "Apache-2.0" } }],
      });
      for (const c of sbom.components) {
        assert.equal(c.type, "library");
        assert.match(c.purl, /^pkg:npm\/(%40[a-z0-9-]+\/)?[a-z0-9._-]+@\d+\.\d+\.\d+\S*$/);
      }
    });

    it("writes the same SBOM and licences for the same code: no timestamps", async () => {
      const again = await mkdtemp(join(tmpdir(), "bundle-again-"));
      try {
        await bundle(again);
        for (const file of ["sbom.cdx.json", "THIRD_PARTY_LICENSES.txt", "server.js"]) {
          assert.equal(
            await readFile(join(again, file), "utf8"),
            await readFile(join(out, file), "utf8"),
            file,
          );
        }
      } finally {
        await rm(again, { recursive: true, force: true });
      }
    });
  });
});
