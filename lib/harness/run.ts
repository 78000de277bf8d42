/**
 * Runs code that registers Pulumi resources under the mock runtime, inside a root stack, and waits until every
 * registration has settled. Used in-process for single components, and by the worker for whole programs.
 */
import * as pulumi from "@pulumi/pulumi";
import { Evaluation } from "./evaluation";
import { MockCloud, unwrapSecrets } from "./mocks";

export interface RunOptions {
  /** Stack name the code sees through `pulumi.getStack()`. Defaults to "test". */
  stack?: string;
  /** Project name. Defaults to "ecs-json-api". */
  project?: string;
  /** Config as the CLI passes it: `namespace:key` to string. `aws:region` defaults to eu-west-1. */
  config?: Record<string, string>;
  /** SSM parameters that already exist in the fake account, by name. Defaults to none. */
  parameters?: Record<string, string>;
}

/** Resource option flags worth asserting on, read through a stack transformation. */
function recordOptions(cloud: MockCloud): pulumi.ResourceTransformation {
  return ({ type, name, opts }) => {
    const parent = opts.parent as (pulumi.Resource & { __pulumiType?: string; __name?: string }) | undefined;
    const dependsOn = Array.isArray(opts.dependsOn) ? opts.dependsOn : opts.dependsOn ? [opts.dependsOn] : [];
    cloud.seenOptions.set(`${type}::${name}`, {
      parent: parent ? { type: parent.__pulumiType ?? "?", name: parent.__name ?? "?" } : undefined,
      options: {
        protect: opts.protect,
        retainOnDelete: opts.retainOnDelete,
        deleteBeforeReplace: (opts as pulumi.CustomResourceOptions).deleteBeforeReplace,
        dependsOn: dependsOn
          .filter((d): d is pulumi.Resource & { __name?: string } => pulumi.Resource.isInstance(d as unknown))
          .map((d) => (d as { __name?: string }).__name ?? "?"),
      },
    });
    return undefined;
  };
}

/**
 * Evaluates `program` (which creates resources and may return stack outputs) under mocks. Errors the program
 * throws, including ones raised inside `apply` callbacks, reject the returned promise.
 */
export async function runUnderMocks(
  program: () => unknown | Promise<unknown>,
  options: RunOptions = {},
): Promise<Evaluation> {
  const stack = options.stack ?? "test";
  const config = { "aws:region": "eu-west-1", ...options.config };
  const cloud = new MockCloud(config["aws:region"], options.parameters);
  await pulumi.runtime.setMocks(cloud, options.project ?? "ecs-json-api", stack, false);
  pulumi.runtime.setAllConfig(config);

  const failures: unknown[] = [];
  const onRejection = (reason: unknown) => failures.push(reason);
  process.on("unhandledRejection", onRejection);
  try {
    const outputs = await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation(recordOptions(cloud));
      return await program();
    });
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    // Let rejections from apply callbacks that nobody awaited surface before deciding.
    await new Promise((resolve) => setImmediate(resolve));
    if (failures.length > 0) throw failures[0];
    return new Evaluation(stack, cloud.resources, cloud.invokes, toPlain(unwrapSecrets(outputs ?? {})));
  } finally {
    process.off("unhandledRejection", onRejection);
  }
}

/** Drops resource objects and functions from outputs so they survive JSON. */
function toPlain(value: any, seen = new WeakSet<object>()): any {
  if (value === null || typeof value !== "object") return typeof value === "function" ? undefined : value;
  if (seen.has(value)) return undefined;
  seen.add(value);
  if (pulumi.Resource.isInstance(value)) return `<resource ${(value as { __name?: string }).__name ?? "?"}>`;
  if (Array.isArray(value)) return value.map((v) => toPlain(v, seen));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v, seen)]));
}
