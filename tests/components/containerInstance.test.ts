/**
 * components/containerInstance.ts: what a container instance is made of. The AMI parameters, the user data that
 * joins the instance to its cluster, and the instance types Spot may substitute. Pure functions.
 */
import * as assert from "node:assert/strict";
import fc from "fast-check";
import {
  AMI_PARAMETERS,
  agentConfig,
  renderUserData,
  spotInstanceTypes,
} from "../../components/containerInstance";
import { INSTANCE_TYPES } from "../../components/instanceTypes";

/** Any name ECS accepts for a cluster: 1-255 letters, digits, '-' and '_'. */
const clusterName = fc.stringMatching(/^[A-Za-z0-9_-]{1,255}$/);
const settings = fc.record({
  clusterName,
  spot: fc.boolean(),
  containerStopTimeoutSeconds: fc.integer({ min: 1, max: 120 }),
});

describe("components/containerInstance", () => {
  describe("the AMI parameters", () => {
    it("name the recommended ECS-optimized Amazon Linux 2023 image, the arm64 build for arm64", () => {
      for (const [architecture, parameter] of Object.entries(AMI_PARAMETERS)) {
        assert.match(
          parameter,
          /^\/aws\/service\/ecs\/optimized-ami\/amazon-linux-2023\/.*recommended\/image_id$/,
        );
        assert.equal(parameter.includes("/arm64/"), architecture === "arm64", parameter);
      }
    });

    it("cover exactly the architectures of the instance types the cluster supports", () => {
      const architectures = new Set(Object.values(INSTANCE_TYPES).map((t) => t.architecture));
      assert.deepEqual(Object.keys(AMI_PARAMETERS).sort(), [...architectures].sort());
    });
  });

  describe("agentConfig", () => {
    it("joins the named cluster, writes task metadata, gives stopping containers their timeout and tasks their roles", () => {
      assert.deepEqual(agentConfig({ clusterName: "c-1", spot: false, containerStopTimeoutSeconds: 45 }), [
        ["ECS_CLUSTER", "c-1"],
        ["ECS_ENABLE_CONTAINER_METADATA", "true"],
        ["ECS_CONTAINER_STOP_TIMEOUT", "45s"],
        ["ECS_ENABLE_TASK_IAM_ROLE", "true"],
      ]);
    });

    it("drains the instance on a Spot interruption notice, on Spot only", () => {
      const draining = (spot: boolean) =>
        agentConfig({ clusterName: "c", spot, containerStopTimeoutSeconds: 30 }).filter(
          ([key]) => key === "ECS_ENABLE_SPOT_INSTANCE_DRAINING",
        );
      assert.deepEqual(draining(true), [["ECS_ENABLE_SPOT_INSTANCE_DRAINING", "true"]]);
      assert.deepEqual(draining(false), []);
    });

    it("refuses any cluster name ECS would not accept, so nothing reaches the shell unchecked (property)", () => {
      fc.assert(
        fc.property(
          fc.string({ minLength: 0, maxLength: 300 }).filter((s) => !/^[A-Za-z0-9_-]{1,255}$/.test(s)),
          (name) => {
            assert.throws(
              () => agentConfig({ clusterName: name, spot: false, containerStopTimeoutSeconds: 30 }),
              { message: `agentConfig: "${name}" is not an ECS cluster name` },
            );
          },
        ),
      );
    });
  });

  describe("renderUserData", () => {
    it("appends the agent settings to /etc/ecs/ecs.config in a quoted heredoc, failing on any error", () => {
      // The whole script, as a person reviewing the instance's boot would read it.
      assert.equal(
        renderUserData({
          clusterName: "api-test-cluster-1a2b3c4",
          spot: true,
          containerStopTimeoutSeconds: 30,
        }),
        [
          "#!/bin/bash",
          "# Joins this instance to its ECS cluster; written by the EcsCluster component.",
          "set -euo pipefail",
          "cat >> /etc/ecs/ecs.config <<'EOF'",
          "ECS_CLUSTER=api-test-cluster-1a2b3c4",
          "ECS_ENABLE_CONTAINER_METADATA=true",
          "ECS_CONTAINER_STOP_TIMEOUT=30s",
          "ECS_ENABLE_TASK_IAM_ROLE=true",
          "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true",
          "EOF",
          "",
        ].join("\n"),
      );
    });

    it("writes every agent setting as one KEY=value line inside the heredoc, and nothing else (property)", () => {
      fc.assert(
        fc.property(settings, (s) => {
          const lines = renderUserData(s).split("\n");
          const start = lines.indexOf("cat >> /etc/ecs/ecs.config <<'EOF'");
          const end = lines.indexOf("EOF");
          assert.ok(start > 0 && end > start);
          assert.deepEqual(
            lines.slice(start + 1, end),
            agentConfig(s).map(([key, value]) => `${key}=${value}`),
          );
          assert.deepEqual(lines.slice(end + 1), [""]);
        }),
      );
    });
  });

  describe("spotInstanceTypes", () => {
    const examples: [string, string[]][] = [
      ["t3.medium", ["t3.medium", "c6i.large"]],
      ["t3.large", ["t3.large", "m6i.large", "m7i.large"]],
      ["m7g.large", ["m7g.large", "m6g.large", "t4g.large"]],
      ["m6i.xlarge", ["m6i.xlarge"]],
    ];
    for (const [type, types] of examples) {
      it(`lets Spot launch ${type} or its same-size peers: ${types.join(", ")}`, () => {
        assert.deepEqual(spotInstanceTypes(type), types);
      });
    }

    it("offers, for every known type, it first and then exactly the table's types of its architecture, vCPUs and memory", () => {
      // Same size keeps tasks-per-instance, and so the capacity check and managed scaling, true whichever launches.
      for (const [type, base] of Object.entries(INSTANCE_TYPES)) {
        const sameSize = Object.keys(INSTANCE_TYPES).filter((name) => {
          const t = INSTANCE_TYPES[name];
          return (
            t.architecture === base.architecture &&
            t.cpuUnits === base.cpuUnits &&
            t.memoryMiB === base.memoryMiB
          );
        });
        const types = spotInstanceTypes(type);
        assert.equal(types[0], type);
        assert.deepEqual([...types].sort(), sameSize.sort(), type);
      }
    });

    it("refuses a type the table does not know", () => {
      assert.throws(() => spotInstanceTypes("t9.huge"), {
        message: 'spotInstanceTypes: unknown instance type "t9.huge"',
      });
    });
  });
});
