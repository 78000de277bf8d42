/**
 * stacks/schema.ts: every key the program reads, each a component's argument spec. The CLI's declaration
 * (Pulumi.yaml), the README's table and the committed stack files all follow it.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { JSON_BUCKET_ARGS } from "../../components/jsonBucket";
import { NETWORK_ARGS } from "../../components/network";
import { SERVICE_ARGS } from "../../components/serviceArgs";
import { projectDefaults, readStackFile } from "../../lib/harness";
import { SCHEMA } from "../../stacks/schema";

/** The type Pulumi.yaml declares for a spec; none for a map, which the project file cannot declare. */
const declaredType = (type: string) => (type === "object" ? undefined : type === "list" ? "array" : type);

describe("stacks/schema", () => {
  it("takes each key's default and rule from the component that owns it, not a copy", () => {
    assert.equal(SCHEMA.vpcCidr, NETWORK_ARGS.vpcCidr);
    assert.equal(SCHEMA.taskCpu, SERVICE_ARGS.cpu);
    assert.equal(SCHEMA.bucketAccessLogs, JSON_BUCKET_ARGS.accessLogs);
  });

  it("is declared in Pulumi.yaml key for key, with the same types and defaults; the services map is not", () => {
    const project = parse(readFileSync("Pulumi.yaml", "utf8")) as {
      config: Record<string, { type: string; default: unknown; items?: { type: string } }>;
    };
    const declarable = Object.entries(SCHEMA).filter(([, spec]) => declaredType(spec.type) !== undefined);
    assert.deepEqual(Object.keys(project.config).sort(), declarable.map(([key]) => key).sort());
    for (const [key, spec] of declarable) {
      assert.equal(project.config[key].type, declaredType(spec.type), `${key} type`);
      assert.deepEqual(project.config[key].default, spec.default, `${key} default`);
      if (spec.type === "list")
        assert.deepEqual(project.config[key].items, { type: "string" }, `${key} items`);
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

  for (const stack of ["test", "prod"]) {
    it(`${stack}: the stack file never commits resetTrafficRouting, which is for one up only`, () => {
      // Left on, every up would rewrite the listener rules' weights, which ECS owns between releases.
      assert.equal(readStackFile(stack)["ecs-json-api:resetTrafficRouting"], undefined);
    });

    it(`${stack}: the stack file holds only keys of the schema, each differing from its default`, () => {
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
