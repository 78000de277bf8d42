import assert from "node:assert/strict";
import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { LogDestination } from "../src/logDestination";

describe("LogDestination", () => {
  let dir: string;
  let file: string;
  let fd: number;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "log-destination-"));
    file = join(dir, "out.log");
    fd = openSync(file, "a");
  });
  afterEach(async () => {
    closeSync(fd);
    await rm(dir, { recursive: true, force: true });
  });

  /** Waits until the file holds `lines` lines (the writes are asynchronous). */
  async function linesOf(expected: number): Promise<string[]> {
    for (let i = 0; i < 200; i++) {
      const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
      if (lines.length >= expected) return lines;
      await sleep(10);
    }
    return readFileSync(file, "utf8").split("\n").filter(Boolean);
  }

  it("writes every line, in order, within its flush interval, without blocking the caller", async () => {
    const destination = new LogDestination(fd, { flushMs: 20 });
    for (let i = 0; i < 3; i++) destination.write(`{"n":${i}}\n`);
    // Queued, not yet written: the write happens after this turn.
    assert.equal(readFileSync(file, "utf8"), "");
    assert.deepEqual(await linesOf(3), ['{"n":0}', '{"n":1}', '{"n":2}']);
  });

  it("keeps order and loses nothing across many turns and large volumes", async () => {
    const destination = new LogDestination(fd);
    for (let turn = 0; turn < 20; turn++) {
      for (let i = 0; i < 5000; i++)
        destination.write(`{"turn":${turn},"i":${i},"pad":"${"x".repeat(40)}"}\n`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const lines = await linesOf(100_000);
    assert.equal(lines.length, 100_000);
    assert.deepEqual(JSON.parse(lines[54_321]), { turn: 10, i: 4321, pad: "x".repeat(40) });
  });

  it("writes what is queued at once on flushSync, for process exit", () => {
    const destination = new LogDestination(fd);
    destination.write('{"msg":"last words"}\n');
    destination.flushSync();
    assert.equal(readFileSync(file, "utf8"), '{"msg":"last words"}\n');
  });

  it("drops lines past its memory bound rather than grow, and logs how many", async () => {
    const destination = new LogDestination(fd, { maxPendingChars: 100 });
    const line = `{"msg":"${"y".repeat(30)}"}\n`; // 41 characters: two fit under 100
    const accepted = Array.from({ length: 10 }, () => destination.write(line));
    assert.deepEqual(accepted, [true, true, false, false, false, false, false, false, false, false]);
    const lines = await linesOf(3);
    assert.equal(lines.length, 3);
    assert.equal(lines[0], line.trim());
    const notice = JSON.parse(lines[2]);
    assert.equal(notice.level, 40);
    assert.equal(notice.dropped, 8);
  });
});
