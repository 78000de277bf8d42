/**
 * .github/scripts/build-images.sh, run for real with a fake `docker`: every tracked Dockerfile is built for
 * linux/arm64 with its folder as the context, as the program builds it, and every failure is named.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../lib/harness";
import { run } from "./runScript";

const script = path.join(PROJECT_ROOT, ".github", "scripts", "build-images.sh");

describe("build-images.sh", () => {
  let dir: string;
  let bin: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "build-images-"));
    bin = path.join(dir, "bin");
    mkdirSync(bin);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A fake docker that records each build and fails for contexts listed in `failing`. */
  function fakeDocker(failing: string[] = []): Record<string, string> {
    const docker = path.join(bin, "docker");
    writeFileSync(
      docker,
      `#!/usr/bin/env bash\necho "$*" >> "${dir}/builds"\ncase "\${@: -1}" in ${failing.join("|") || "__none__"}) exit 1 ;; esac\n`,
    );
    chmodSync(docker, 0o755);
    return { PATH: `${bin}:${process.env.PATH}` };
  }
  const builds = () => readFileSync(path.join(dir, "builds"), "utf8").trim().split("\n");

  /** A git repository with these files, tracked or not. */
  function repository(tracked: string[], untracked: string[] = []): string {
    const repo = path.join(dir, "repo");
    for (const file of [...tracked, ...untracked]) {
      mkdirSync(path.join(repo, path.dirname(file)), { recursive: true });
      writeFileSync(path.join(repo, file), "FROM scratch\n");
    }
    execFileSync("git", ["init", "-q", repo]);
    if (tracked.length > 0) execFileSync("git", ["-C", repo, "add", ...tracked]);
    return repo;
  }

  it("builds this repository's service image for linux/arm64 with its folder as the context", async () => {
    const result = await run(script, [], fakeDocker(), { cwd: PROJECT_ROOT });
    assert.equal(result.code, 0, result.output);
    assert.ok(
      builds().includes("build --platform linux/arm64 --file service/Dockerfile service"),
      builds().join("\n"),
    );
  });

  it("builds every tracked Dockerfile at any depth, and nothing untracked or merely similar", async () => {
    const repo = repository(
      ["Dockerfile", "api/Dockerfile", "workers/queue/Dockerfile", "api/Dockerfile.dev"],
      ["scratch/Dockerfile"],
    );
    const result = await run(script, [], fakeDocker(), { cwd: repo });
    assert.equal(result.code, 0, result.output);
    assert.deepEqual(builds().sort(), [
      "build --platform linux/arm64 --file Dockerfile .",
      "build --platform linux/arm64 --file api/Dockerfile api",
      "build --platform linux/arm64 --file workers/queue/Dockerfile workers/queue",
    ]);
  });

  it("builds them all before failing, and names each one that failed", async () => {
    const repo = repository(["a/Dockerfile", "b/Dockerfile", "c/Dockerfile"]);
    const result = await run(script, [], fakeDocker(["a", "c"]), { cwd: repo });
    assert.equal(result.code, 1);
    assert.equal(builds().length, 3);
    assert.match(result.output, /2 of 3 images failed: a\/Dockerfile c\/Dockerfile/);
    assert.match(result.output, /::error file=a\/Dockerfile::the image of a does not build for linux\/arm64/);
  });

  it("fails when the repository tracks no Dockerfile, and builds for another platform when asked", async () => {
    const empty = await run(script, [], fakeDocker(), { cwd: repository([], ["x/Dockerfile"]) });
    assert.equal(empty.code, 1);
    assert.match(empty.output, /tracks no Dockerfile/);
    const amd = await run(
      script,
      [],
      { ...fakeDocker(), BUILD_PLATFORM: "linux/amd64" },
      { cwd: repository(["s/Dockerfile"]) },
    );
    assert.equal(amd.code, 0, amd.output);
    assert.ok(builds().includes("build --platform linux/amd64 --file s/Dockerfile s"));
  });
});
