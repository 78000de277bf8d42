/** containerDefinitions: the one container a service's task runs. Pure. */
import * as assert from "node:assert/strict";
import type * as aws from "@pulumi/aws";
import { type ContainerDefinitionArgs, containerDefinitions } from "../../components/container";

const IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-json-api@sha256:${"a".repeat(64)}`;
const BASE: ContainerDefinitionArgs = {
  name: "web",
  image: IMAGE,
  containerPort: 3000,
  cpu: 512,
  memory: 1024,
  memoryReservation: 768,
  logGroupName: "web-logs",
  region: "eu-west-1",
};

/** The single container definition for `args` over BASE. */
function container(args: Partial<ContainerDefinitionArgs> = {}): aws.ecs.ContainerDefinition {
  const definitions = containerDefinitions({ ...BASE, ...args });
  assert.equal(definitions.length, 1);
  return definitions[0];
}

describe("containerDefinitions", () => {
  it("runs one essential container, named after the service, from the pinned image", () => {
    const c = container();
    assert.deepEqual([c.name, c.image, c.essential], ["web", IMAGE, true]);
  });

  it("maps the container port to a dynamic host port, so tasks can share an instance", () => {
    assert.deepEqual(container().portMappings, [{ containerPort: 3000, hostPort: 0, protocol: "tcp" }]);
  });

  it("reserves its CPU and soft memory limit for placement, and is killed only above its hard limit", () => {
    const c = container();
    assert.deepEqual([c.cpu, c.memoryReservation, c.memory], [512, 768, 1024]);
  });

  it("passes the environment as name/value pairs, and none when none is given", () => {
    assert.deepEqual(container({ environment: { A: "1", B: "two" } }).environment, [
      { name: "A", value: "1" },
      { name: "B", value: "two" },
    ]);
    assert.deepEqual(container().environment, []);
  });

  it("logs through awslogs to the service's log group, in its region, streams prefixed by the service", () => {
    const { logDriver, options } = container().logConfiguration ?? {};
    assert.equal(logDriver, "awslogs");
    assert.equal(options?.["awslogs-group"], "web-logs");
    assert.equal(options?.["awslogs-region"], "eu-west-1");
    assert.equal(options?.["awslogs-stream-prefix"], "web");
  });

  it("never blocks the process's output on a slow CloudWatch Logs: non-blocking, with a buffer", () => {
    const options = container().logConfiguration?.options ?? {};
    assert.equal(options.mode, "non-blocking");
    // Docker's size syntax: a number and a unit.
    assert.match(String(options["max-buffer-size"]), /^[1-9][0-9]*[kmg]$/);
  });

  it("mounts the root filesystem read-only unless told otherwise", () => {
    assert.equal(container().readonlyRootFilesystem, true);
    assert.equal(container({ readonlyRootFilesystem: false }).readonlyRootFilesystem, false);
  });

  it("runs an init process as PID 1, which forwards SIGTERM and reaps zombies", () => {
    assert.equal(container().linuxParameters?.initProcessEnabled, true);
  });

  it("runs as the stated user, and leaves the image's user when none is stated", () => {
    assert.equal(container({ user: "1000:1000" }).user, "1000:1000");
    assert.equal("user" in container(), false);
  });

  it("gives the process 30 s between SIGTERM and SIGKILL unless told otherwise", () => {
    assert.equal(container().stopTimeout, 30);
    assert.equal(container({ stopTimeoutSeconds: 56 }).stopTimeout, 56);
  });

  it("checks health inside the container only when given a command", () => {
    assert.equal("healthCheck" in container(), false);
    const { healthCheck } = container({ healthCheckCommand: ["CMD", "node", "dist/healthcheck.js"] });
    assert.deepEqual(healthCheck?.command, ["CMD", "node", "dist/healthcheck.js"]);
  });

  it("times the container health check within what ECS accepts", () => {
    const { healthCheck: h } = container({ healthCheckCommand: ["CMD", "true"] });
    // ECS API reference, HealthCheck: interval 5-300 s, timeout 2-120 s, retries 1-10, startPeriod 0-300 s.
    const within = (value: unknown, min: number, max: number) =>
      typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
    assert.ok(within(h?.interval, 5, 300));
    assert.ok(within(h?.timeout, 2, 120));
    assert.ok(within(h?.retries, 1, 10));
    assert.ok(within(h?.startPeriod, 0, 300));
    // A check that outlasts its interval would overlap the next one.
    assert.ok(Number(h?.timeout) < Number(h?.interval));
  });

  it("copies the health check command, so the caller's array is not shared", () => {
    const command = ["CMD", "true"];
    const { healthCheck } = container({ healthCheckCommand: command });
    assert.notEqual(healthCheck?.command, command);
  });
});
