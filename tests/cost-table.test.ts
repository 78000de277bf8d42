/**
 * Every resource type the program creates has a pricing entry: an estimator, or an explicit reason it costs
 * nothing by itself. Checked on the committed stacks and on prod's HTTPS variants (the same overrides as
 * tests/program.test.ts, so the harness reuses those evaluations), and on the types the program is about to add.
 */
import * as assert from "node:assert/strict";
import { entryFor, estimateStack, PRICED_REGIONS, PRICING } from "../lib/cost";
import { evaluateStack } from "../lib/harness";

const VARIANTS: Record<string, [string, Record<string, string>]> = {
  test: ["test", {}],
  prod: ["prod", {}],
  "prod with a certificate ARN": [
    "prod",
    {
      "ecs-json-api:certificateArn":
        "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc",
    },
  ],
  "prod with a domain in a hosted zone": [
    "prod",
    { "ecs-json-api:domainName": "api.example.com", "ecs-json-api:hostedZoneId": "Z0123456789ABC" },
  ],
};

/** Types the program will create soon: they are priced before they arrive. */
const COMING = [
  "aws:lb/listenerRule:ListenerRule",
  "aws:ssm/parameter:Parameter",
  "aws:lambda/function:Function",
  "aws:lambda/permission:Permission",
  "aws:iam/policy:Policy",
  "aws:s3/bucketLogging:BucketLogging",
  "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
  "aws:servicediscovery/service:Service",
  "aws:lb/targetGroup:TargetGroup",
];

describe("pricing entries", () => {
  for (const [what, [stack, overrides]] of Object.entries(VARIANTS)) {
    it(`cover every resource type of ${what}`, async () => {
      const evaluation = await evaluateStack(stack, { overrides });
      const missing = [...new Set(evaluation.resources.filter((r) => !entryFor(r)).map((r) => r.type))];
      assert.deepEqual(missing, [], "add an estimator or a free entry in lib/cost/table.ts");
    });

    it(`price ${what} in full in every priced region`, async () => {
      const evaluation = await evaluateStack(stack, { overrides });
      for (const region of PRICED_REGIONS) {
        const e = estimateStack(stack, region, evaluation.resources);
        assert.deepEqual(
          e.unpriced.map((i) => `${i.what}: ${i.missing}`),
          [],
          region,
        );
        assert.ok(e.total.min > 0 && e.total.max >= e.total.min, region);
      }
    });
  }

  it("cover the types the program is about to create", () => {
    for (const type of COMING) assert.ok(entryFor({ type, custom: true }), `no entry for ${type}`);
  });

  it("give every free or included type a reason, and count included ones on a type that has an estimator", () => {
    for (const [type, entry] of Object.entries(PRICING)) {
      if (entry.kind === "estimate") assert.ok(entry.covers.length > 10, type);
      else assert.ok(entry.why.length > 10, `${type} needs a reason`);
      if (entry.kind === "included")
        assert.equal(PRICING[entry.in]?.kind, "estimate", `${type} → ${entry.in}`);
    }
  });

  it("treat components and Pulumi's own resources as not AWS resources, and nothing else unknown as free", () => {
    assert.equal(entryFor({ type: "ecs-json-api:network:Network", custom: false })?.kind, "free");
    assert.equal(entryFor({ type: "pulumi:providers:aws", custom: true })?.kind, "free");
    assert.equal(entryFor({ type: "aws:rds/instance:Instance", custom: true }), undefined);
  });
});
