/**
 * jsonApi: what the JSON API needs to run as a LoadBalancedService. Pure; the environment is checked with the
 * service's own loadConfig, so the container starts with what the deployment hands it.
 */
import * as assert from "node:assert/strict";
import type * as aws from "@pulumi/aws";
import fc from "fast-check";
import { valueProblems } from "../../components/args";
import {
  JSON_API_ARGS,
  type JsonApiArgs,
  jsonApi,
  jsonApiArgsProblems,
  REQUEST_BUDGET_MS,
} from "../../components/jsonApi";
import { LOAD_BALANCER_ARGS } from "../../components/loadBalancer";
import { loadConfig, VARIABLES } from "../../service/src/config";
import { CONTAINER_USER, HEALTH_PATH, HEALTHCHECK_COMMAND } from "../../service/src/contract";

const READ_POLICY: aws.iam.PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::docs/documents/*" }],
};
const BASE: JsonApiArgs = {
  documents: { bucketName: "docs-bucket", keyPrefix: "documents/", readPolicy: READ_POLICY },
  idleTimeoutSeconds: 60,
  region: "eu-west-1",
  containerPort: 8080,
};

/** The container's environment as the process sees it. */
function environmentOf(args: Partial<JsonApiArgs> = {}): NodeJS.ProcessEnv {
  return jsonApi({ ...BASE, ...args }).container.environment as NodeJS.ProcessEnv;
}

/** The idle timeouts the load balancer accepts and the service can outlast (see the ceiling below). */
const idleTimeouts = fc.integer({ min: LOAD_BALANCER_ARGS.idleTimeout.min, max: 3595 });
const drains = fc.integer({
  min: JSON_API_ARGS.shutdownTimeoutMs.min,
  max: JSON_API_ARGS.shutdownTimeoutMs.max,
});
const logLevels = fc.constantFrom(...VARIABLES.LOG_LEVEL.rule.values);
const ports = fc.integer({ min: 1024, max: 65535 });

describe("jsonApi", () => {
  it("hands the service an environment its own loadConfig accepts, for every argument the checks allow", () => {
    fc.assert(
      fc.property(
        idleTimeouts,
        drains,
        logLevels,
        ports,
        (idleTimeoutSeconds, shutdownTimeoutMs, logLevel, containerPort) => {
          const args = { idleTimeoutSeconds, shutdownTimeoutMs, logLevel, containerPort };
          assert.deepEqual(jsonApiArgsProblems(args, idleTimeoutSeconds), []);
          const config = loadConfig(environmentOf(args));
          assert.deepEqual(
            [
              config.bucket,
              config.keyPrefix,
              config.region,
              config.port,
              config.logLevel,
              config.shutdownTimeoutMs,
            ],
            ["docs-bucket", "documents/", "eu-west-1", containerPort, logLevel, shutdownTimeoutMs],
          );
        },
      ),
    );
  });

  it("keeps the service's idle connections open longer than the ALB does, so the ALB never reuses a closing one", () => {
    fc.assert(
      fc.property(idleTimeouts, (idleTimeoutSeconds) => {
        const config = loadConfig(environmentOf({ idleTimeoutSeconds }));
        assert.ok(config.keepAliveTimeoutMs > idleTimeoutSeconds * 1000);
      }),
    );
  });

  it("lets ECS wait longer than the service drains before it kills the container, within ECS's 120 s", () => {
    fc.assert(
      fc.property(drains, (shutdownTimeoutMs) => {
        const { container } = jsonApi({ ...BASE, shutdownTimeoutMs });
        const stopTimeout = container.stopTimeoutSeconds ?? 30;
        assert.ok(stopTimeout * 1000 > loadConfig(environmentOf({ shutdownTimeoutMs })).shutdownTimeoutMs);
        assert.ok(stopTimeout <= 120, String(stopTimeout));
      }),
    );
  });

  it("sets only variables the service reads", () => {
    for (const name of Object.keys(environmentOf())) assert.ok(Object.hasOwn(VARIABLES, name), name);
  });

  it("checks health on the path the service answers, from inside with the image's own script, as its non-root user", () => {
    const { container, healthCheckPath } = jsonApi(BASE);
    assert.equal(healthCheckPath, HEALTH_PATH);
    assert.deepEqual(container.healthCheckCommand, HEALTHCHECK_COMMAND);
    assert.equal(container.user, CONTAINER_USER);
    assert.doesNotMatch(String(container.user), /^0(:|$)/);
    assert.equal(container.readonlyRootFilesystem, true);
  });

  it("may only read the documents", () => {
    assert.equal(jsonApi(BASE).taskPolicy, READ_POLICY);
  });

  it("logs at info and drains for 20 s unless told otherwise", () => {
    const { values, container } = jsonApi(BASE);
    assert.deepEqual(values, { logLevel: "info", shutdownTimeoutMs: 20_000 });
    assert.equal(container.stopTimeoutSeconds, 30);
  });
});

describe("jsonApiArgsProblems", () => {
  it("has defaults that pass their own rules", () => {
    for (const [arg, spec] of Object.entries(JSON_API_ARGS)) {
      assert.deepEqual(valueProblems(arg, spec, spec.default), [], arg);
    }
    assert.deepEqual(jsonApiArgsProblems({}, LOAD_BALANCER_ARGS.idleTimeout.default), []);
  });

  it("refuses exactly the drain times the service itself refuses: not above its request budget", () => {
    for (const shutdownTimeoutMs of [REQUEST_BUDGET_MS - 1, REQUEST_BUDGET_MS, REQUEST_BUDGET_MS + 1]) {
      const refusedHere = jsonApiArgsProblems({ shutdownTimeoutMs }, 60).length > 0;
      const refusedByService = (() => {
        try {
          loadConfig(environmentOf({ shutdownTimeoutMs }));
          return false;
        } catch {
          return true;
        }
      })();
      assert.equal(refusedHere, refusedByService, String(shutdownTimeoutMs));
    }
  });

  it("refuses a drain that would push stopTimeout past ECS's 120 s", () => {
    const max = JSON_API_ARGS.shutdownTimeoutMs.max as number;
    assert.deepEqual(jsonApiArgsProblems({ shutdownTimeoutMs: max }, 60), []);
    assert.equal(jsonApiArgsProblems({ shutdownTimeoutMs: max + 1 }, 60).length, 1);
  });

  it("refuses an ALB idle timeout the service's keep-alive cannot outlast, and says what the ceiling is", () => {
    assert.deepEqual(jsonApiArgsProblems({}, 3595), []);
    assert.deepEqual(
      jsonApiArgsProblems({}, 3596, (arg) => `ecs-json-api:${arg}`),
      [
        "ecs-json-api:idleTimeout = 3596 needs the service's keep-alive at 3601000 ms, above its 3600000 ms ceiling (KEEP_ALIVE_TIMEOUT_MS); use at most 3595",
      ],
    );
    // What the ceiling admits, the service accepts; one more second it would refuse.
    loadConfig(environmentOf({ idleTimeoutSeconds: 3595 }));
    assert.throws(() => loadConfig(environmentOf({ idleTimeoutSeconds: 3596 })), /KEEP_ALIVE_TIMEOUT_MS/);
  });

  it("refuses a log level the service does not know", () => {
    assert.deepEqual(jsonApiArgsProblems({ logLevel: "verbose" }, 60), [
      'logLevel = "verbose" is not allowed; expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent"',
    ]);
  });
});
