/**
 * Estimates as text: the itemised estimate states its assumptions and groups like charges; two estimates are
 * compared item by item across stack names, biggest change first; a pull request gets the change as Markdown.
 */
import * as assert from "node:assert/strict";
import {
  COST_COMMENT_MARKER,
  compareEstimates,
  deltaLines,
  deltaMarkdown,
  estimateLines,
  estimateStack,
  estimatesMarkdown,
} from "../lib/cost";
import type { PlanResource } from "../lib/plan";
import { demoStack, res, USAGE } from "./costFixture";

/** The demo stack renamed for another stack (`demo-*` → `<stack>-*`), with the group's maximum changed. */
function renamed(stack: string, maxSize: number): PlanResource[] {
  return demoStack().map((r) => {
    const inputs = JSON.parse(JSON.stringify(r.inputs).replaceAll("demo-", `${stack}-`));
    if (r.type === "aws:autoscaling/group:Group") inputs.maxSize = maxSize;
    return res(r.type, r.name.replace(/^demo-/, `${stack}-`), inputs);
  });
}

const small = estimateStack("small", "eu-west-1", renamed("small", 4), USAGE);
const big = estimateStack("big", "eu-west-1", renamed("big", 10), USAGE);

describe("the cost report", () => {
  it("prints the assumptions with their flags, the items, and the total", () => {
    const text = estimateLines(small).join("\n");
    assert.match(text, /^ {4}--rps +10 {2}requests per second: set on the command line$/m);
    assert.match(text, /^ {4}--spot-discount +0 {2}Spot discount/m);
    assert.match(text, /alarm × 2 @ \$0\.1000\/alarm metric-month/, "like alarms are one line");
    assert.match(
      text,
      new RegExp(
        `^ +\\$${small.total.min.toFixed(2)} +\\$${small.total.max.toFixed(2)} {2}total a month$`,
        "m",
      ),
    );
  });

  it("matches items across stacks by logical name without the stack, and puts the biggest change first", () => {
    const { items, total } = compareEstimates(small, big);
    // Only the group's maximum differs: 6 more instances and volumes at max, nothing at min.
    assert.deepEqual(
      items.map((d) => [d.what, d.resource]),
      [
        ["instances", "*-asg"],
        ["EBS volumes", "*-asg"],
      ],
    );
    assert.equal(items[0].delta.min, 0);
    assert.ok(Math.abs(items[0].delta.max - 6 * 730 * 0.0368) < 1e-9);
    assert.ok(Math.abs(total.max - (6 * 730 * 0.0368 + 6 * 20 * 0.088)) < 1e-9);
  });

  it("says what one stack costs over the other, item by item, and the config behind it", () => {
    const lines = deltaLines(small, big, ["maxInstances 4 → 10"]);
    assert.match(lines[0], /^ {2}big costs \+\$0\.00 to \+\$171\.74 a month \(at min, at max\) over small:/);
    assert.match(
      lines[2],
      /instances \(\*-asg\): small 2–4 × t4g\.medium on-demand × 730 h → big 2–10 × t4g\.medium/,
    );
    assert.equal(lines.at(-1), "  Why: the config that differs, maxInstances 4 → 10.");
  });

  it("gives a pull request each stack's change and the biggest items as Markdown", () => {
    const md = deltaMarkdown(
      [
        { stack: "prod", before: small, after: big },
        { stack: "test", before: small, after: small },
        { stack: "staging", after: small },
      ],
      "main (abc1234)",
    );
    assert.ok(
      md.startsWith(`${COST_COMMENT_MARKER}\n### Monthly cost of this change\n`),
      "a workflow finds its comment",
    );
    assert.match(md, /^\| prod \| \$.+ \| \$.+ \| \+\$0\.00 to \+\$171\.74 \|$/m);
    assert.match(md, /^\| test \| .+ \| \+\$0\.00 \|$/m);
    assert.match(md, /^\| staging \| — \| .+ \| new stack \|$/m);
    assert.match(md, /^\| prod \| instances \(\*-asg\) \| \+\$0\.00 \| \+\$161\.18 \|/m);
  });

  it("says so when nothing changed", () => {
    assert.match(
      deltaMarkdown([{ stack: "test", before: small, after: small }], "main"),
      /No charge changes\./,
    );
    assert.deepEqual(deltaLines(small, small).slice(1), ["  (no item differs)"]);
  });

  it("tabulates estimates as Markdown when there is no base to compare with", () => {
    const md = estimatesMarkdown([small, big]);
    assert.match(
      md,
      new RegExp(
        `^\\| small \\| eu-west-1 \\| \\$${small.total.min.toFixed(2)} \\| \\$${small.total.max.toFixed(2)} \\| instances `,
        "m",
      ),
    );
    assert.match(md, /^Assumptions \(big\): requests per second 10, /m);
  });
});
