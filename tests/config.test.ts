import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { projectDefaults, readStackFile } from "../lib/harness";
import { cidrProblems, parseCliConfig, parseStackConfig, StackConfigError } from "../stacks/config";
import { INSTANCE_TYPES } from "../stacks/instanceTypes";
import { LOG_RETENTION_DAYS, SCHEMA } from "../stacks/schema";

/** Parses with the stack file's own values as the CLI would pass them (no namespace), plus `raw`. */
function parse_(stack: string, raw: Record<string, string>, region: string | undefined = "eu-west-1") {
  return parseStackConfig(stack, region, raw);
}

/** The problems a config produces, or [] when it is valid. */
function problemsOf(stack: string, raw: Record<string, string>, region?: string): string[] {
  try {
    parse_(stack, raw, region ?? "eu-west-1");
    return [];
  } catch (err) {
    assert.ok(err instanceof StackConfigError, `expected StackConfigError, got ${err}`);
    return err.problems;
  }
}

describe("stack config", () => {
  describe("defaults", () => {
    it("applies the schema default of every key that is not set", () => {
      const config = parse_("test", {});
      for (const [key, spec] of Object.entries(SCHEMA)) {
        if (key === "privateZoneName") continue;
        assert.equal(config[key as keyof typeof config], spec.default, key);
      }
    });

    it("derives the private zone name from the stack when unset", () => {
      assert.equal(parse_("test", {}).privateZoneName, "internal.test");
      assert.equal(parse_("test", { privateZoneName: "svc.corp" }).privateZoneName, "svc.corp");
    });

    it("declares in Pulumi.yaml exactly the schema's keys, types and defaults", () => {
      const project = parse(readFileSync("Pulumi.yaml", "utf8")) as {
        config: Record<string, { type: string; default: unknown }>;
      };
      assert.deepEqual(Object.keys(project.config).sort(), Object.keys(SCHEMA).sort());
      for (const [key, spec] of Object.entries(SCHEMA)) {
        assert.equal(project.config[key].type, spec.type, `${key} type`);
        assert.deepEqual(project.config[key].default, spec.default, `${key} default`);
      }
    });

    it("documents every key with its default in the README's configuration table", () => {
      const readme = readFileSync("README.md", "utf8");
      for (const [key, spec] of Object.entries(SCHEMA)) {
        const row = readme.split("\n").find((line) => line.startsWith(`| \`${key}\` |`));
        assert.ok(row, `README.md has no row for ${key}`);
        assert.ok(
          row.includes(`\`${JSON.stringify(spec.default)}\``),
          `README.md shows another default for ${key}`,
        );
      }
    });

    it("tags every resource with the project and the stack", () => {
      assert.deepEqual(
        parse_("prod", {
          minTasks: "2",
          desiredTasks: "2",
          minInstances: "2",
          natStrategy: "OnePerAz",
          deletionProtection: "true",
        }).tags,
        { project: "ecs-json-api", stack: "prod" },
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
      assert.equal(config.maxTasks, 9);
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

  describe("per-key validation", () => {
    const cases: [string, Record<string, string>, string][] = [
      [
        "an integer out of range",
        { azCount: "4" },
        `test: ecs-json-api:azCount = "4" is not allowed; expected a whole number from 2 to 3`,
      ],
      [
        "a non-integer",
        { desiredTasks: "two" },
        `test: ecs-json-api:desiredTasks = "two" is not allowed; expected a whole number from 1 to 1000`,
      ],
      [
        "a boolean that is not true/false",
        { spot: "yes" },
        `test: ecs-json-api:spot = "yes" is not allowed; expected true or false`,
      ],
      [
        "a string outside its set",
        { natStrategy: "PerAz" },
        `test: ecs-json-api:natStrategy = "PerAz" is not allowed; expected one of "Single", "OnePerAz"`,
      ],
      [
        "a retention CloudWatch rejects",
        { logRetentionDays: "10" },
        `test: ecs-json-api:logRetentionDays = "10" is not allowed; expected one of ${LOG_RETENTION_DAYS.join(", ")}`,
      ],
      [
        "a key prefix without its slash",
        { keyPrefix: "docs" },
        `test: ecs-json-api:keyPrefix = "docs" is not allowed; expected empty, or up to 4 path segments of letters, digits, '-', '_', '.', each ending in '/'`,
      ],
      [
        "an image not pinned by digest",
        { image: "repo/app:latest" },
        `test: ecs-json-api:image = "repo/app:latest" is not allowed; expected an image reference pinned by digest, <registry>/<repository>@sha256:<64 hex digits>`,
      ],
      [
        "a malformed certificate ARN",
        { certificateArn: "arn:aws:iam::1:cert" },
        `test: ecs-json-api:certificateArn = "arn:aws:iam::1:cert" is not allowed; expected an ACM certificate ARN`,
      ],
      [
        "an unknown key (a typo)",
        { desiredTask: "2" },
        `test: ecs-json-api:desiredTask is not a known key; known keys are listed in stacks/schema.ts`,
      ],
      [
        "an unknown instance type",
        { instanceType: "x1.huge" },
        `test: ecs-json-api:instanceType = "x1.huge" is not a supported instance type; supported: ${Object.keys(INSTANCE_TYPES).join(", ")}`,
      ],
    ];
    for (const [what, raw, message] of cases) {
      it(`rejects ${what}, naming the stack, key, value and what is allowed`, () => {
        assert.deepEqual(problemsOf("test", raw), [message]);
      });
    }

    it("accepts a prebuilt image pinned by digest", () => {
      const image = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:${"a".repeat(64)}`;
      assert.equal(parse_("test", { image }).image, image);
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

  describe("cross-key rules", () => {
    it("keeps min <= desired <= max tasks", () => {
      assert.deepEqual(problemsOf("test", { minTasks: "3", desiredTasks: "2", maxTasks: "2" }), [
        "test: ecs-json-api:maxTasks = 2 is below ecs-json-api:minTasks = 3",
        "test: ecs-json-api:desiredTasks = 2 is below ecs-json-api:minTasks = 3",
      ]);
      assert.deepEqual(problemsOf("test", { desiredTasks: "7", maxTasks: "6" }), [
        "test: ecs-json-api:desiredTasks = 7 is above ecs-json-api:maxTasks = 6",
      ]);
    });

    it("keeps minInstances <= maxInstances", () => {
      assert.deepEqual(problemsOf("test", { minInstances: "4", maxInstances: "3" }), [
        "test: ecs-json-api:maxInstances = 3 is below ecs-json-api:minInstances = 4",
      ]);
    });

    it("keeps the memory reservation within the hard limit", () => {
      assert.deepEqual(problemsOf("test", { taskMemory: "256", taskMemoryReservation: "512" }), [
        "test: ecs-json-api:taskMemoryReservation = 512 is above ecs-json-api:taskMemory = 256; the soft limit must not exceed the hard limit",
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

    it("holds prod to high availability and data retention", () => {
      assert.deepEqual(problemsOf("prod", {}), [
        "prod: ecs-json-api:minTasks = 1 must be at least 2 in prod (one task per AZ survives an AZ outage)",
        "prod: ecs-json-api:minInstances = 1 must be at least 2 in prod (instances in two AZs)",
        `prod: ecs-json-api:natStrategy = "Single" must be "OnePerAz" in prod (an AZ outage must not cut the others' egress)`,
        "prod: ecs-json-api:deletionProtection = false is not allowed in prod; prod keeps its data",
      ]);
    });

    it("reports every problem at once in one error", () => {
      assert.throws(
        () => parse_("test", { azCount: "9", spot: "maybe", minTasks: "5", maxTasks: "2" }),
        (err: Error) => {
          assert.ok(err instanceof StackConfigError);
          assert.equal(err.problems.length, 4);
          assert.match(err.message, /^Invalid configuration for stack "test" \(4 problems\):/);
          return true;
        },
      );
    });
  });

  describe("VPC CIDR", () => {
    const table: [string, string[]][] = [
      ["10.0.0.0/16", []],
      ["172.20.0.0/20", []],
      ["192.168.0.0/16", []],
      ["10.0.0/16", ["is not an IPv4 CIDR such as 10.0.0.0/16"]],
      ["10.0.0.300/16", ["has an octet above 255"]],
      ["10.0.1.0/16", ["has host bits set; the network address must end the prefix"]],
      [
        "10.0.0.0/24",
        ["has prefix /24; allowed /16 to /20 (AWS's largest VPC is /16; /20 still holds 3 AZs' subnets)"],
      ],
      ["8.8.0.0/16", ["is not in a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)"]],
    ];
    for (const [cidr, expected] of table) {
      it(`${expected.length ? "rejects" : "accepts"} ${cidr}`, () =>
        assert.deepEqual(cidrProblems(cidr), expected));
    }

    it("names the key and value of a bad CIDR", () => {
      assert.deepEqual(problemsOf("test", { vpcCidr: "10.0.0.0/12" }), [
        `test: ecs-json-api:vpcCidr = "10.0.0.0/12" has prefix /12; allowed /16 to /20 (AWS's largest VPC is /16; /20 still holds 3 AZs' subnets)`,
      ]);
    });
  });

  describe("committed stack files", () => {
    for (const stack of ["test", "prod"]) {
      it(`${stack}: holds only keys of the schema, each differing from its default`, () => {
        const file = readStackFile(stack);
        const { defaults } = projectDefaults();
        for (const [key, value] of Object.entries(file)) {
          if (key.startsWith("aws:")) continue;
          const short = key.replace(/^ecs-json-api:/, "");
          assert.ok(Object.hasOwn(SCHEMA, short), `${key} is not in the schema`);
          assert.notEqual(value, defaults[key], `${key} repeats the default ${value}`);
        }
      });
    }
  });
});
