/**
 * Small monthly charges: hosted zones (Route 53's, and the one a Cloud Map private DNS namespace creates), Cloud
 * Map registered instances, KMS keys, advanced SSM parameters, Lambda functions.
 */
import { charge, estimate, hours, span } from "../lineItems";
import { mentions, type Range, serviceTasks } from "../traffic";

export const hostedZone = estimate("one hosted zone a month (queries not counted)", (zone, ctx) => [
  charge(ctx, zone, "Route 53 hosted zone", "1", 1, "hostedZoneMonth"),
]);

export const privateDnsNamespace = estimate("the private hosted zone Cloud Map creates for it", (ns, ctx) => [
  charge(ctx, ns, "Route 53 hosted zone (Cloud Map namespace)", "1", 1, "hostedZoneMonth"),
]);

/** A Cloud Map service: one registered instance per task of the ECS services registered with it. */
export const discoveryService = estimate(
  "registered instances: the tasks of the ECS services registered with it",
  (svc, ctx) => {
    const tasks: Range = { min: 0, max: 0 };
    for (const s of serviceTasks(ctx.resources)) {
      if (mentions(s.service.inputs.serviceRegistries, svc)) {
        tasks.min += s.tasks.min;
        tasks.max += s.tasks.max;
      }
    }
    return [
      charge(
        ctx,
        svc,
        "Cloud Map registered instances",
        `${span(tasks)} tasks`,
        tasks,
        "cloudMapInstanceMonth",
      ),
    ];
  },
);

export const kmsKey = estimate(
  "one customer managed key a month (requests not counted: S3 bucket keys make them rare)",
  (key, ctx) => [charge(ctx, key, "KMS key", "1", 1, "kmsKeyMonth")],
);

export const ssmParameter = estimate(
  "advanced parameters × 730 h; standard parameters have no charge",
  (param, ctx) =>
    param.inputs.tier === "Advanced"
      ? [charge(ctx, param, "SSM advanced parameter", "1 × 730 h", hours(1), "ssmAdvancedParameterHour")]
      : [],
);

/** A Lambda function: invocations × (a request + memory × its timeout, the longest an invocation is billed). */
export const lambdaFunction = estimate(
  "invocations (assumed) × (request price + memory GB × timeout s × GB-second price for its architecture)",
  (fn, ctx) => {
    const invocations = ctx.usage.lambdaInvocationsPerMonth;
    const memoryGb = (fn.inputs.memorySize ?? 128) / 1024;
    const timeout = fn.inputs.timeout ?? 3;
    const arm = (fn.inputs.architectures ?? []).includes("arm64");
    const gbSeconds = invocations * memoryGb * timeout;
    return [
      charge(
        ctx,
        fn,
        "Lambda requests",
        `${invocations} invocations (assumed)`,
        invocations,
        "lambdaRequest",
      ),
      charge(
        ctx,
        fn,
        "Lambda duration",
        `${invocations} × ${memoryGb} GB × ${timeout} s (its timeout)`,
        gbSeconds,
        arm ? "lambdaGbSecondArm" : "lambdaGbSecondX86",
      ),
    ];
  },
);
