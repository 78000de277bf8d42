import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { withDeadline } from "../src/deadline";

describe("withDeadline", () => {
  it("aborts the work's signal with a TimeoutError once the deadline passes", async () => {
    const reason = await withDeadline(20, async (signal) => {
      await sleep(1000, undefined, { signal }).catch(() => undefined);
      return signal.reason as DOMException;
    });
    assert.equal(reason.name, "TimeoutError");
    assert.equal(reason.message, "no answer within 20 ms");
  });

  it("leaves the signal untouched when the work finishes in time, and passes its result and errors through", async () => {
    let seen: AbortSignal | undefined;
    assert.equal(
      await withDeadline(50, async (signal) => {
        seen = signal;
        return 42;
      }),
      42,
    );
    await sleep(80);
    assert.equal(seen?.aborted, false);
    await assert.rejects(
      withDeadline(50, async () => {
        throw new Error("boom");
      }),
      /^Error: boom$/,
    );
  });
});
