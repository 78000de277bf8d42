/**
 * The estimate's arithmetic on a small synthetic stack (tests/costFixture.ts) in eu-west-1, with round usage:
 * each expected figure is written as the quantity times the eu-west-1 price from lib/cost/prices.ts, so a reader
 * can check it against the AWS page the table cites.
 */
import * as assert from "node:assert/strict";
import { type Estimate, estimateStack, type LineItem } from "../lib/cost";
import { demoStack, res, USAGE } from "./costFixture";

const HOURS = 730;
const GIB = 2 ** 30;
const SECONDS = HOURS * 3600;
const REQUESTS = 10 * SECONDS;
const LOG_GB = (REQUESTS * 200) / GIB;

/** The one item of `what`; fails when there is none or several. */
function item(e: Estimate, what: string, resource?: string): LineItem {
  const found = e.items.filter((i) => i.what === what && (resource === undefined || i.resource === resource));
  assert.equal(
    found.length,
    1,
    `expected one "${what}", found ${found.length}: ${e.items.map((i) => i.what).join(", ")}`,
  );
  return found[0];
}

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} != ${expected}`);

function costs(e: Estimate, what: string, min: number, max = min, resource?: string) {
  const i = item(e, what, resource);
  close(i.cost.min, min, `${what} at min`);
  close(i.cost.max, max, `${what} at max`);
}

describe("the monthly estimate (eu-west-1 prices, a synthetic stack)", () => {
  const e = estimateStack("demo", "eu-west-1", demoStack(), USAGE);

  it("prices instances at the group's minimum and maximum size, and their volumes", () => {
    costs(e, "instances", 2 * HOURS * 0.0368, 4 * HOURS * 0.0368);
    costs(e, "EBS volumes", 2 * 20 * 0.088, 4 * 20 * 0.088);
  });

  it("prices the NAT gateway, its address, and the logs it carries to CloudWatch", () => {
    costs(e, "NAT gateway hours", HOURS * 0.048);
    costs(e, "NAT gateway public IPv4 addresses", HOURS * 0.005);
    costs(e, "NAT gateway data processing", LOG_GB * 0.048);
  });

  it("prices the load balancer: hours, LCUs at the busiest dimension, an address per AZ, data out", () => {
    costs(e, "load balancer hours", HOURS * 0.0252);
    // 10 new connections a second is 0.4 LCU; 10 × 1,000 bytes a second is 0.034 GB an hour.
    costs(e, "load balancer capacity units", (10 / 25) * HOURS * 0.008);
    costs(e, "load balancer public IPv4 addresses", 2 * HOURS * 0.005);
    costs(e, "data transfer out to the internet", ((REQUESTS * 900) / GIB) * 0.09);
  });

  it("prices the log group's ingestion and its storage at the retention", () => {
    costs(e, "log ingestion (application logs)", LOG_GB * 0.57);
    costs(e, "log storage", LOG_GB * (30 / (HOURS / 24)) * 0.03);
  });

  it("prices alarms per metric: standard, high resolution, and each metric of a metric-math alarm", () => {
    costs(e, "alarm", 0.1, 0.1, "demo-5xx");
    costs(e, "alarm (high resolution)", 0.3);
    costs(e, "alarm", 0.2, 0.2, "demo-math");
  });

  it("prices the dashboard and the hosted zone, and nothing for IAM or components", () => {
    costs(e, "dashboard", 3);
    costs(e, "Route 53 hosted zone", 0.5);
    assert.ok(!e.items.some((i) => i.type === "aws:iam/role:Role" || i.type.startsWith("ecs-json-api:")));
    assert.deepEqual(e.unknownTypes, []);
    assert.deepEqual(e.unpriced, []);
  });

  it("totals the items at minimum and maximum capacity, biggest first", () => {
    const sum = (k: "min" | "max") => e.items.reduce((t, i) => t + i.cost[k], 0);
    close(e.total.min, sum("min"), "total at min");
    close(e.total.max, sum("max"), "total at max");
    for (let i = 1; i < e.items.length; i++) assert.ok(e.items[i - 1].cost.max >= e.items[i].cost.max);
  });

  it("splits a mixed group into on-demand and Spot parts, rounding the on-demand share up", () => {
    const stack = demoStack().map((r) =>
      r.type === "aws:autoscaling/group:Group"
        ? res(r.type, r.name, {
            minSize: 3,
            maxSize: 5,
            mixedInstancesPolicy: {
              instancesDistribution: { onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 50 },
              launchTemplate: {
                launchTemplateSpecification: { launchTemplateId: "demo-lt-abc1234" },
                overrides: [{ instanceType: "t4g.medium" }, { instanceType: "c7g.large" }],
              },
            },
          })
        : r,
    );
    const mixed = estimateStack("demo", "eu-west-1", stack, { ...USAGE, spotDiscount: 0.6 });
    // 3 instances: 1 base + ceil(2 × 50%) = 2 on-demand, 1 Spot; 5: 1 + ceil(4 × 50%) = 3 on-demand, 2 Spot.
    costs(mixed, "instances, on-demand part", 2 * HOURS * 0.0368, 3 * HOURS * 0.0368);
    costs(mixed, "instances, Spot part", 1 * HOURS * 0.0368 * 0.4, 2 * HOURS * 0.0368 * 0.4);
  });

  it("sends the logs through an interface endpoint when the stack has one, and no longer through NAT", () => {
    const endpoint = res("aws:ec2/vpcEndpoint:VpcEndpoint", "demo-logs-ep", {
      vpcEndpointType: "Interface",
      serviceName: "com.amazonaws.eu-west-1.logs",
      subnetIds: ["subnet-c", "subnet-d"],
    });
    const withEndpoint = estimateStack("demo", "eu-west-1", demoStack([endpoint]), USAGE);
    costs(withEndpoint, "interface endpoint logs, hours", 2 * HOURS * 0.011);
    costs(withEndpoint, "interface endpoint logs, data processed", LOG_GB * 0.01);
    assert.ok(!withEndpoint.items.some((i) => i.what === "NAT gateway data processing"));
  });

  it("prices Container Insights: 11 + 13 + 8 metrics and a minute's events per task, service, cluster", () => {
    const on = demoStack().map((r) =>
      r.type === "aws:ecs/cluster:Cluster"
        ? res(r.type, r.name, { settings: [{ name: "containerInsights", value: "enabled" }] })
        : r,
    );
    const ci = estimateStack("demo", "eu-west-1", on, USAGE);
    costs(ci, "Container Insights metrics", 32 * 0.3);
    const perMinute = (tasks: number) => 371 + 541 + tasks * (1303 + 645);
    const gb = (tasks: number) => (perMinute(tasks) * (SECONDS / 60)) / GIB;
    costs(ci, "Container Insights performance events", gb(2) * 0.57, gb(4) * 0.57);
    // The events reach ECS's telemetry endpoint through the NAT gateway.
    costs(ci, "NAT gateway data processing", (LOG_GB + gb(2)) * 0.048, (LOG_GB + gb(4)) * 0.048);
  });

  it("counts the tasks' S3 reads at one revalidation per document per cache TTL", () => {
    const bucket = res("aws:s3/bucket:Bucket", "demo-docs-bucket", { bucket: "demo-docs" });
    const docs = ["a", "b"].map((k) =>
      res("aws:s3/bucketObjectv2:BucketObjectv2", `demo-doc-${k}`, { bucket: "demo-docs", key: `${k}.json` }),
    );
    const s3 = estimateStack("demo", "eu-west-1", demoStack([bucket, ...docs]), USAGE);
    // 2 documents, a 60 s TTL: 2 × 2,628,000 / 60 = 87,600 GETs a task a month; 2–4 tasks.
    costs(s3, "S3 GET requests", 2 * 87_600 * 0.0000004, 4 * 87_600 * 0.0000004);
    costs(s3, "S3 storage", ((2 * 900) / GIB) * 0.023);
  });

  it("stores the images a repository's lifecycle policy keeps, or one when it has none", () => {
    const repo = res("aws:ecr/repository:Repository", "demo-repo");
    const policy = res("aws:ecr/lifecyclePolicy:LifecyclePolicy", "demo-lifecycle", {
      repository: "demo-repo-abc1234",
      policy: JSON.stringify({
        rules: [{ selection: { countType: "imageCountMoreThan", countNumber: 30 } }],
      }),
    });
    const kept = estimateStack("demo", "eu-west-1", demoStack([repo, policy]), { ...USAGE, imageMb: 200 });
    costs(kept, "ECR storage", ((30 * 200) / 1024) * 0.1);
    const bare = estimateStack("demo", "eu-west-1", demoStack([repo]), { ...USAGE, imageMb: 200 });
    costs(bare, "ECR storage", (200 / 1024) * 0.1);
    assert.match(item(bare, "ECR storage").detail, /no lifecycle policy: 1 assumed/);
  });

  it("names the types it has no entry for, and does not price a region the table lacks", () => {
    const unknown = estimateStack(
      "demo",
      "eu-west-1",
      demoStack([res("aws:foo/bar:Bar", "demo-bar")]),
      USAGE,
    );
    assert.deepEqual(unknown.unknownTypes, ["aws:foo/bar:Bar"]);
    const elsewhere = estimateStack("demo", "ap-southeast-2", demoStack(), USAGE);
    assert.equal(elsewhere.regionPriced, false);
    assert.deepEqual(elsewhere.items, []);
    assert.equal(elsewhere.total.max, 0);
    assert.ok(elsewhere.unpriced.some((i) => i.what === "instances"));
  });
});
