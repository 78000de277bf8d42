/** stacks/services.ts: the `ecs-json-api:services` blocks, parsed with every problem named by its key path. */
import * as assert from "node:assert/strict";
import { SERVICE_ARGS } from "../../components/serviceArgs";
import { parseServiceBlocks, SERVICE_COLLECTIONS, SERVICE_SETTINGS } from "../../stacks/services";

const key = (path: string) => `ecs-json-api:services${path ? `.${path}` : ""}`;
const DIGEST = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop@sha256:${"c".repeat(64)}`;

describe("stacks/services", () => {
  it("applies every setting's default to a block that names only its image and paths", () => {
    const { blocks, problems } = parseServiceBlocks({ web: { build: "web", paths: ["/"] } }, key);
    assert.deepEqual(problems, []);
    const [web] = blocks;
    assert.equal(web.name, "web");
    for (const [setting, spec] of Object.entries(SERVICE_SETTINGS)) {
      if (setting === "build") continue;
      assert.deepEqual(web[setting as keyof typeof web], spec.default, setting);
    }
    assert.deepEqual([web.paths, web.hosts, web.environment], [["/"], [], {}]);
  });

  it("shares the service settings' defaults and rules with LoadBalancedService's arguments", () => {
    for (const arg of Object.keys(SERVICE_ARGS).filter((a) => a !== "logRetentionDays")) {
      assert.equal(
        SERVICE_SETTINGS[arg as keyof typeof SERVICE_SETTINGS],
        SERVICE_ARGS[arg as keyof typeof SERVICE_ARGS],
        arg,
      );
    }
  });

  const cases: [string, unknown, string[]][] = [
    [
      "a value that is not a map",
      ["web"],
      ["ecs-json-api:services is not a map of service names to settings"],
    ],
    [
      "a service named like the API",
      { api: { image: DIGEST } },
      [
        `ecs-json-api:services.api: "api" is the JSON API, configured by the flat keys; name this service otherwise`,
      ],
    ],
    [
      "a name that is not a service name",
      { Shop_1: { image: DIGEST } },
      [
        `ecs-json-api:services.Shop_1: "Shop_1" is not a service name (a lower-case letter, then up to 14 lower-case letters, digits or '-')`,
      ],
    ],
    [
      "an unknown setting (a typo)",
      { shop: { image: DIGEST, cpus: 256 } },
      [
        `ecs-json-api:services.shop.cpus is not a service setting; settings: ${[...Object.keys(SERVICE_SETTINGS), ...Object.keys(SERVICE_COLLECTIONS)].join(", ")}`,
      ],
    ],
    [
      "both a build folder and an image",
      { shop: { image: DIGEST, build: "shop" } },
      [
        "ecs-json-api:services.shop needs exactly one of build (a folder with a Dockerfile) or image (a digest)",
      ],
    ],
    [
      "neither a build folder nor an image",
      { shop: {} },
      [
        "ecs-json-api:services.shop needs exactly one of build (a folder with a Dockerfile) or image (a digest)",
      ],
    ],
    [
      "a value outside its range",
      { shop: { image: DIGEST, cpu: 64 } },
      ["ecs-json-api:services.shop.cpu = 64 is not allowed; expected a whole number from 128 to 16384"],
    ],
    [
      "a root user",
      { shop: { image: DIGEST, user: "0:0" } },
      [
        `ecs-json-api:services.shop.user = "0:0" is not allowed; expected a non-root numeric uid, optionally with a gid, such as 1000:1000`,
      ],
    ],
    [
      "an environment value that is not text",
      { shop: { image: DIGEST, environment: { PORT: 8080 } } },
      ["ecs-json-api:services.shop.environment.PORT is not a string; quote it"],
    ],
    [
      "an environment name a container cannot hold",
      { shop: { image: DIGEST, environment: { "MY-VAR": "x" } } },
      [`ecs-json-api:services.shop.environment.MY-VAR: "MY-VAR" is not a variable name`],
    ],
    [
      "paths that are not a list",
      { shop: { image: DIGEST, paths: "/shop/*" } },
      ["ecs-json-api:services.shop.paths is not a list of strings"],
    ],
  ];
  for (const [what, value, expected] of cases) {
    it(`refuses ${what}, naming the key path`, () => {
      assert.deepEqual(parseServiceBlocks(value, key).problems, expected);
    });
  }

  it("reports the problems of every block at once", () => {
    const { problems } = parseServiceBlocks({ a: { cpu: 1 }, b: { image: DIGEST, maxTasks: 0 } }, key);
    assert.equal(problems.length, 3);
  });
});
