/**
 * A change's cost between two checkouts: stacks are paired by name, a stack on one side only is new or removed,
 * and a base that cannot be evaluated is reported without hiding the change's own estimates.
 */
import * as assert from "node:assert/strict";
import { type Checkout, compareCheckouts, deltaMarkdown } from "../lib/cost";
import type { PlanResource } from "../lib/plan";
import { demoStack, res, USAGE } from "./costFixture";

function checkout(stacks: Record<string, PlanResource[] | Error>): Checkout {
  return {
    stacks: () => Object.keys(stacks),
    evaluate: async (stack) => {
      const resources = stacks[stack];
      if (resources instanceof Error) throw resources;
      return { region: "eu-west-1", resources };
    },
  };
}

const bigger = demoStack().map((r) =>
  r.type === "aws:autoscaling/group:Group" ? res(r.type, r.name, { ...r.inputs, maxSize: 8 }) : r,
);

describe("comparing two checkouts", () => {
  it("pairs stacks by name, and says which are new or gone", async () => {
    const changes = await compareCheckouts(
      checkout({ prod: demoStack(), old: demoStack() }),
      checkout({ prod: bigger, fresh: demoStack() }),
      USAGE,
    );
    assert.deepEqual(
      changes.map((c) => [c.stack, Boolean(c.before), Boolean(c.after)]),
      [
        ["prod", true, true],
        ["fresh", false, true],
        ["old", true, false],
      ],
    );
    const prod = changes[0];
    assert.ok(
      Math.abs(
        (prod.after?.total.max ?? 0) - (prod.before?.total.max ?? 0) - 4 * (730 * 0.0368 + 20 * 0.088),
      ) < 1e-9,
    );
    const md = deltaMarkdown(changes, "main");
    assert.match(md, /^\| fresh \| — \| .+ \| new stack \|$/m);
    assert.match(md, /^\| old \| .+ \| — \| stack removed \|$/m);
  });

  it("reports a base that cannot be evaluated, and still shows the change's estimate", async () => {
    const changes = await compareCheckouts(
      checkout({ prod: new Error("Cannot find module './stacks/config'\n    at require") }),
      checkout({ prod: demoStack() }),
      USAGE,
    );
    assert.equal(changes[0].before, undefined);
    assert.ok(changes[0].after);
    assert.equal(changes[0].error, "the base could not be evaluated: Cannot find module './stacks/config'");
    const md = deltaMarkdown(changes, "main");
    assert.match(md, /^\| prod \| — \| \$.+ \| the base could not be evaluated: Cannot find module/m);
    assert.match(md, /No stack could be compared with the base\./);
  });
});
