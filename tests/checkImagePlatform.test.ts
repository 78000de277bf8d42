/**
 * .github/scripts/check-image-platform.mjs, run for real against a fake AWS CLI: an image is promoted only to
 * a stack whose CPU architecture it was built for.
 */
import * as assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../lib/harness";
import { run } from "./runScript";

const SCRIPTS = path.join(PROJECT_ROOT, ".github", "scripts");

describe("check-image-platform.mjs", () => {
  const script = path.join(SCRIPTS, "check-image-platform.mjs");
  const digest = `sha256:${"b".repeat(64)}`;
  const ref = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-json-api-repo-1a2b3c4@${digest}`;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "fake-aws-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A fake `aws` on PATH that records its arguments and answers from files. */
  function fakeAws(batch: unknown, configBlob?: unknown): Record<string, string> {
    writeFileSync(path.join(dir, "batch.json"), JSON.stringify(batch));
    const url = `data:application/json;base64,${Buffer.from(JSON.stringify(configBlob ?? {})).toString("base64")}`;
    writeFileSync(path.join(dir, "url.json"), JSON.stringify({ downloadUrl: url }));
    const aws = path.join(dir, "aws");
    writeFileSync(
      aws,
      `#!/usr/bin/env bash\necho "$*" >> "${dir}/calls"\ncase "$2" in\n  batch-get-image) cat "${dir}/batch.json" ;;\n  get-download-url-for-layer) cat "${dir}/url.json" ;;\n  *) exit 9 ;;\nesac\n`,
    );
    chmodSync(aws, 0o755);
    return { PATH: `${dir}:${process.env.PATH}` };
  }
  const index = (...platforms: string[]) => ({
    images: [
      {
        imageManifestMediaType: "application/vnd.oci.image.index.v1+json",
        imageManifest: JSON.stringify({
          manifests: [
            ...platforms.map((p) => ({ platform: { os: p.split("/")[0], architecture: p.split("/")[1] } })),
            { platform: { os: "unknown", architecture: "unknown" } }, // a build attestation
          ],
        }),
      },
    ],
  });
  const single = {
    images: [
      {
        imageManifestMediaType: "application/vnd.docker.distribution.manifest.v2+json",
        imageManifest: JSON.stringify({ config: { digest: `sha256:${"c".repeat(64)}` } }),
      },
    ],
  };

  it("passes a multi-platform image that includes prod's arm64, asking ECR for that exact digest", async () => {
    const env = fakeAws(index("linux/amd64", "linux/arm64"));
    const result = await run("node", [script, ref, "arm64"], env);
    assert.equal(result.code, 0, result.output);
    const calls = readFileSync(path.join(dir, "calls"), "utf8");
    assert.match(
      calls,
      new RegExp(
        `^ecr batch-get-image --region eu-west-1 --registry-id 123456789012 --repository-name ecs-json-api-repo-1a2b3c4 --image-ids imageDigest=${digest} `,
      ),
    );
  });

  it("stops the promotion of an amd64-only image to an arm64 stack", async () => {
    const result = await run("node", [script, ref, "arm64"], fakeAws(index("linux/amd64")));
    assert.equal(result.code, 1);
    assert.match(result.output, /is built for linux\/amd64, not linux\/arm64/);
  });

  it("reads a single-platform image's config to learn its architecture", async () => {
    const env = fakeAws(single, { os: "linux", architecture: "amd64" });
    assert.equal((await run("node", [script, ref, "x86_64"], env)).code, 0);
    const wrong = await run("node", [script, ref, "arm64"], env);
    assert.equal(wrong.code, 1);
    assert.match(wrong.output, /is built for linux\/amd64, not linux\/arm64/);
  });

  it("rejects an image that is not an ECR image pinned by digest, or an unknown architecture", async () => {
    const env = fakeAws(index("linux/arm64"));
    const notPinned = await run(
      "node",
      [script, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:latest", "arm64"],
      env,
    );
    assert.equal(notPinned.code, 2);
    assert.match(notPinned.output, /is not an ECR image pinned by digest/);
    const badArch = await run("node", [script, ref, "riscv64"], env);
    assert.equal(badArch.code, 2);
    assert.match(badArch.output, /architecture "riscv64" is not one of x86_64, arm64/);
  });
});
