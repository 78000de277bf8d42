/**
 * The policy pack over the real program: every resource of both committed stacks, evaluated through the
 * shared harness, passes every policy, exactly as `pulumi preview --policy-pack policy` would see it.
 */
import * as assert from "node:assert/strict";
import { evaluateStack } from "../lib/harness";
import { checkStack } from "../lib/policy";

describe("policy pack on the program", () => {
  for (const stack of ["test", "prod"]) {
    it(`passes on every resource of the ${stack} stack`, async () => {
      const evaluation = await evaluateStack(stack);
      const report = await checkStack(evaluation);
      const violations = report.violations.map(
        (v) =>
          `${v.policy} on ${v.resource ? `${v.resource.type} ${v.resource.name}` : "the stack"}: ${v.message}`,
      );
      assert.deepEqual(violations, [], `${violations.length} violation(s) in the ${stack} stack`);
      assert.ok(Object.keys(report.evaluated).length > 0, "no policy checked anything");
    });
  }
});
