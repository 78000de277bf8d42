/**
 * stacks/config.ts: the one reader of stack config. Every value and rule belongs to a component; these tests
 * specify what the stack adds: parsing the CLI's strings, naming keys in problems, the rules only a stack knows
 * (prod, the whole cluster, the release), and that a rule reads the same whether the stack or the component
 * finds it.
 */
import * as assert from "node:assert/strict";
import { ecsClusterArgsProblems } from "../../components/ecsCluster";
import { INSTANCE_TYPES } from "../../components/instanceTypes";
import { LOG_RETENTION_DAYS } from "../../components/logRetention";
import { networkArgsProblems } from "../../components/network";
import { serviceArgsProblems } from "../../components/serviceArgs";
import { parseCliConfig, parseStackConfig, StackConfigError } from "../../stacks/config";
import { SCHEMA } from "../../stacks/schema";

/** The function the Pulumi CLI's Node host prints an uncaught error with (internal, so untyped). */
const { defaultErrorMessage } = require("@pulumi/pulumi/cmd/run/error") as {
  defaultErrorMessage(err: unknown): string;
};

const DIGEST = (c: string) =>
  `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-json-api@sha256:${c.repeat(64)}`;

/** A prod config that passes every prod rule, to vary one thing at a time. */
const PROD_OK = {
  minTasks: "2",
  desiredTasks: "2",
  minInstances: "2",
  natStrategy: "OnePerAz",
  deletionProtection: "true",
  buildImages: "false",
};

/** The problems a config produces, or [] when it is valid. */
function problemsOf(stack: string, raw: Record<string, string>, region = "eu-west-1"): string[] {
  try {
    parseStackConfig(stack, region, raw);
    return [];
  } catch (err) {
    assert.ok(err instanceof StackConfigError, `expected StackConfigError, got ${err}`);
    return err.problems;
  }
}

describe("stacks/config", () => {
  describe("defaults", () => {
    it("gives every key its schema default when unset (the component's own default)", () => {
      const { values } = parseStackConfig("test", "eu-west-1", {});
      for (const [key, spec] of Object.entries(SCHEMA)) {
        assert.deepEqual(values[key as keyof typeof values], spec.default, key);
      }
    });

    it("tags every resource with the project and the stack", () => {
      assert.deepEqual(parseStackConfig("prod", "eu-west-1", PROD_OK).tags, {
        project: "ecs-json-api",
        stack: "prod",
      });
    });

    it("runs the JSON API alone, built from service/ and taking every path, when nothing else is configured", () => {
      const { services } = parseStackConfig("test", "eu-west-1", {});
      assert.deepEqual(
        services.map((s) => [s.name, s.kind, s.source, s.route.paths]),
        [["api", "json-api", { build: "service" }, ["/*"]]],
      );
    });
  });

  describe("config as the CLI hands it over", () => {
    it("reads the project's namespace and aws:region, and leaves other namespaces to their owners", () => {
      const config = parseCliConfig("test", {
        "aws:region": "us-east-2",
        "aws:defaultTags": "{}",
        "ecs-json-api:maxTasks": "9",
        "other-project:maxTasks": "1",
      });
      assert.equal(config.region, "us-east-2");
      assert.equal(config.values.maxTasks, 9);
    });

    it("reads lists and maps as the CLI passes them, JSON text", () => {
      const config = parseCliConfig("test", {
        "aws:region": "eu-west-1",
        "ecs-json-api:apiPaths": '["/api/*","/healthz"]',
      });
      assert.deepEqual(config.values.apiPaths, ["/api/*", "/healthz"]);
    });

    it("still names an unknown key of the project's namespace", () => {
      assert.throws(
        () => parseCliConfig("test", { "aws:region": "eu-west-1", "ecs-json-api:maxTask": "9" }),
        {
          message: /test: ecs-json-api:maxTask is not a known key/,
        },
      );
    });
  });

  describe("per-key validation, by the components' own rules", () => {
    const cases: [string, Record<string, string>, string][] = [
      [
        "an integer out of range",
        { azCount: "4" },
        "ecs-json-api:azCount = 4 is not allowed; expected a whole number from 2 to 3",
      ],
      [
        "a non-integer",
        { desiredTasks: "two" },
        `ecs-json-api:desiredTasks = "two" is not allowed; expected a whole number from 1 to 1000`,
      ],
      [
        "a boolean that is not true/false",
        { spot: "yes" },
        `ecs-json-api:spot = "yes" is not allowed; expected true or false`,
      ],
      [
        "a string outside its set",
        { natStrategy: "PerAz" },
        `ecs-json-api:natStrategy = "PerAz" is not allowed; expected one of "Single", "OnePerAz"`,
      ],
      [
        "a retention CloudWatch rejects",
        { logRetentionDays: "10" },
        `ecs-json-api:logRetentionDays = 10 is not allowed; expected one of ${LOG_RETENTION_DAYS.join(", ")}`,
      ],
      [
        "a key prefix without its slash",
        { keyPrefix: "docs" },
        `ecs-json-api:keyPrefix = "docs" is not allowed; expected empty, or up to 4 path segments of letters, digits, '-', '_', '.', each ending in '/'`,
      ],
      [
        "an image not pinned by digest",
        { image: "repo/app:latest" },
        `ecs-json-api:image = "repo/app:latest" is not allowed; expected an image reference pinned by digest, <registry>/<repository>@sha256:<64 hex digits>`,
      ],
      [
        "a malformed certificate ARN",
        { certificateArn: "arn:aws:iam::1:cert" },
        `ecs-json-api:certificateArn = "arn:aws:iam::1:cert" is not allowed; expected an ACM certificate ARN`,
      ],
      [
        "an unknown instance type",
        { instanceType: "x1.huge" },
        `ecs-json-api:instanceType = "x1.huge" is not allowed; expected one of ${Object.keys(INSTANCE_TYPES)
          .map((t) => `"${t}"`)
          .join(", ")}`,
      ],
      [
        "a log level the service does not know",
        { logLevel: "verbose" },
        `ecs-json-api:logLevel = "verbose" is not allowed; expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent"`,
      ],
      [
        "a drain time within the service's request budget",
        { shutdownTimeoutMs: "5000" },
        "ecs-json-api:shutdownTimeoutMs = 5000 is not allowed; expected a whole number from 5001 to 110000",
      ],
      [
        "an ALB idle timeout the service's keep-alive cannot follow",
        { albIdleTimeout: "3600" },
        "ecs-json-api:albIdleTimeout = 3600 needs the service's keep-alive at 3605000 ms, above its 3600000 ms ceiling (KEEP_ALIVE_TIMEOUT_MS); use at most 3595",
      ],
      [
        "a release that is not JSON",
        { release: "api=x" },
        `ecs-json-api:release = "api=x" is not a JSON object of service names to image references`,
      ],
      [
        "a release for a service the stack does not run",
        { release: JSON.stringify({ shop: DIGEST("a") }) },
        `ecs-json-api:release names "shop", which is not a service; services: api`,
      ],
      [
        "a release not pinned by digest",
        { release: JSON.stringify({ api: "repo/app:v1" }) },
        `ecs-json-api:release gives api "repo/app:v1", not an image reference pinned by digest, <registry>/<repository>@sha256:<64 hex digits>`,
      ],
      [
        "an unknown key (a typo)",
        { desiredTask: "2" },
        "ecs-json-api:desiredTask is not a known key; known keys are listed in stacks/schema.ts",
      ],
    ];
    for (const [what, raw, message] of cases) {
      it(`rejects ${what}, naming the stack, key, value and what is allowed`, () => {
        assert.deepEqual(problemsOf("test", raw), [`test: ${message}`]);
      });
    }

    it("accepts a prebuilt image pinned by digest and deploys it instead of a build", () => {
      const config = parseStackConfig("test", "eu-west-1", { image: DIGEST("a") });
      assert.deepEqual(config.services[0].source, { image: DIGEST("a") });
    });

    it("requires aws:region and checks its form", () => {
      assert.deepEqual(problemsOf("test", {}, ""), [
        "test: aws:region is not set; set it in Pulumi.test.yaml (e.g. eu-west-1)",
      ]);
      assert.deepEqual(problemsOf("test", {}, "Europe"), [
        `test: aws:region = "Europe" is not an AWS region name such as eu-west-1`,
      ]);
    });
  });

  describe("one rule, one place", () => {
    /** A problem without the name it starts with. */
    const rule = (problem: string, name: string) => problem.slice(problem.indexOf(name) + name.length);

    it("words a value's problem exactly as the component that owns it does", () => {
      const [fromComponent] = networkArgsProblems({ azCount: 4 });
      const [fromStack] = problemsOf("test", { azCount: "4" });
      assert.equal(rule(fromStack, "ecs-json-api:azCount"), rule(fromComponent, "azCount"));
    });

    it("words a rule between arguments exactly as the component that owns it does", () => {
      const [fromComponent] = ecsClusterArgsProblems("c", { minInstances: 4, maxInstances: 3 });
      const [fromStack] = problemsOf("test", { minInstances: "4", maxInstances: "3" });
      assert.equal(
        fromStack,
        `test: ${fromComponent.replace(/(maxInstances|minInstances)/g, "ecs-json-api:$1")}`,
      );
    });

    it("names the config key an argument came from where the names differ (taskCpu is the service's cpu)", () => {
      const [fromComponent] = serviceArgsProblems({ memory: 256, memoryReservation: 512 }, undefined);
      assert.match(fromComponent, /^memoryReservation = 512 is above memory = 256/);
      assert.deepEqual(problemsOf("test", { taskMemory: "256", taskMemoryReservation: "512" }), [
        "test: ecs-json-api:taskMemoryReservation = 512 is above ecs-json-api:taskMemory = 256; the soft limit must not exceed the hard limit",
      ]);
    });
  });

  describe("rules between keys", () => {
    it("keeps min <= desired <= max tasks", () => {
      assert.deepEqual(problemsOf("test", { minTasks: "3", desiredTasks: "2", maxTasks: "2" }), [
        "test: ecs-json-api:maxTasks = 2 is below ecs-json-api:minTasks = 3",
        "test: ecs-json-api:desiredTasks = 2 is below ecs-json-api:minTasks = 3",
      ]);
    });

    it("matches the instance type to the architecture", () => {
      assert.deepEqual(problemsOf("test", { architecture: "x86_64" }), [
        `test: ecs-json-api:instanceType = "t4g.medium" is arm64, but ecs-json-api:architecture = "x86_64"; the image would not run on it`,
      ]);
    });

    it("needs a hosted zone or a certificate for a domain name, and a domain for a zone", () => {
      assert.deepEqual(problemsOf("test", { domainName: "api.example.com" }), [
        `test: ecs-json-api:domainName = "api.example.com" needs ecs-json-api:hostedZoneId (for a DNS-validated certificate) or ecs-json-api:certificateArn`,
      ]);
      assert.deepEqual(problemsOf("test", { hostedZoneId: "Z0123456789ABC" }), [
        `test: ecs-json-api:hostedZoneId = "Z0123456789ABC" is set without ecs-json-api:domainName; set both or neither`,
      ]);
    });

    it("refuses a cluster that cannot hold every service's peak, naming each service's share", () => {
      const problems = problemsOf("test", {
        maxTasks: "8",
        maxInstances: "1",
        services: JSON.stringify({
          web: { build: "service", paths: ["/"], cpu: 512, memory: 512, memoryReservation: 512, maxTasks: 2 },
        }),
      });
      assert.equal(problems.length, 1);
      assert.match(
        problems[0],
        /^test: ecs-json-api:maxInstances: the services' peak tasks need \d+ t4g\.medium instances/,
      );
      assert.match(problems[0], /api: 9 tasks \(maxTasks 8 \+ 1 for a rolling deploy\)/);
      assert.match(problems[0], /web: 3 tasks \(maxTasks 2 \+ 1 for a rolling deploy\)/);
    });
  });

  describe("prod", () => {
    it("holds prod to high availability, data retention and promoted images only", () => {
      assert.deepEqual(problemsOf("prod", {}), [
        "prod: ecs-json-api:minTasks = 1 must be at least 2 in prod (one task per AZ survives an AZ outage)",
        "prod: ecs-json-api:minInstances = 1 must be at least 2 in prod (instances in two AZs)",
        `prod: ecs-json-api:natStrategy = "Single" must be "OnePerAz" in prod (an AZ outage must not cut the others' egress)`,
        "prod: ecs-json-api:deletionProtection = false is not allowed in prod; prod keeps its data",
        "prod: ecs-json-api:buildImages = true is not allowed in prod; prod deploys only images promoted from test (ecs-json-api:release)",
      ]);
    });

    it("holds every service of prod to two tasks at least", () => {
      assert.deepEqual(
        problemsOf("prod", {
          ...PROD_OK,
          services: JSON.stringify({ web: { image: DIGEST("b"), paths: ["/"], minTasks: 1 } }),
        }),
        [
          "prod: ecs-json-api:services.web.minTasks = 1 must be at least 2 in prod (one task per AZ survives an AZ outage)",
        ],
      );
    });
  });

  describe("how a problem reaches the user", () => {
    it("reports every problem at once in one error", () => {
      assert.throws(
        () =>
          parseStackConfig("test", "eu-west-1", {
            azCount: "9",
            spot: "maybe",
            minTasks: "5",
            maxTasks: "2",
          }),
        (err: Error) => {
          assert.ok(err instanceof StackConfigError);
          assert.equal(err.problems.length, 4);
          assert.match(err.message, /^Invalid configuration for stack "test" \(4 problems\):/);
          return true;
        },
      );
    });

    it("prints its message and every problem when `pulumi up` reports it, not a bare object", () => {
      let error: unknown;
      try {
        parseStackConfig("prod", "eu-west-1", { ...PROD_OK, maxTasks: "1", minTasks: "2" });
      } catch (err) {
        error = err;
      }
      const printed = defaultErrorMessage(error);
      assert.match(printed, /Invalid configuration for stack "prod" \(\d problems?\):/);
      assert.match(printed, /prod: ecs-json-api:maxTasks = 1 is below ecs-json-api:minTasks = 2/);
      // Error.stack must stay the stack trace: a property named `stack` would replace it, and the CLI would
      // print `[prod] { problems: [...] }`.
      assert.match(String((error as Error).stack), /^StackConfigError: Invalid configuration/);
    });
  });
});
