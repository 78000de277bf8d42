import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CONTENT_DIR, startEmulator, uploadContent } from "../dev/emulator";
import { httpGet } from "./helpers/http";

/** The local run (`npm start` at the root), as a newcomer runs it: emulator, content, service, Ctrl-C. */
describe("the local run", () => {
  it("serves the content folder from an in-process S3 emulator and stops cleanly on Ctrl-C", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", join("dev", "local.ts")], {
      cwd: join(__dirname, ".."),
      env: { PATH: process.env.PATH, PORT: "0", LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
        const match = /^Service: (http:\/\/\S+)$/m.exec(stdout);
        if (match) resolve(match[1]);
      });
      void exited.then((code) => reject(new Error(`the local run exited (${code}): ${stderr}`)));
    });
    try {
      assert.match(stdout, new RegExp(`curl -i ${url}/api/foo`));
      const foo = await httpGet(url, "/api/foo");
      assert.equal(foo.status, 200);
      assert.equal(foo.body, await readFile(join(CONTENT_DIR, "foo.json"), "utf8"));
      assert.equal((await httpGet(url, "/readyz")).status, 200);
    } finally {
      child.kill("SIGINT");
    }
    assert.equal(await exited, 0, stderr);
    assert.equal(stderr, "");
  });

  it("seeds the emulator by the deployment's content rules, refusing a folder the deployment would refuse", async () => {
    const dir = await mkdtemp(join(tmpdir(), "content-"));
    const emulator = await startEmulator({ buckets: ["docs"] });
    try {
      await writeFile(join(dir, "ok.json"), '{"ok":true}');
      await writeFile(join(dir, "README.md"), "notes are skipped");
      assert.deepEqual(await uploadContent(emulator.client, "docs", "v1/", dir), ["ok"]);
      await writeFile(join(dir, "not json.json"), "{");
      await assert.rejects(uploadContent(emulator.client, "docs", "v1/", dir), (error: Error) =>
        error.message.startsWith(
          `the content folder has problems: ${join(dir, "not json.json")}: key "not json" has characters`,
        ),
      );
    } finally {
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
