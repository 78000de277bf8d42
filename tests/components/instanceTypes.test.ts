/**
 * components/instanceTypes.ts: the instance types the cluster can size tasks for. The table is typed by hand,
 * so these tests hold it to AWS's published shapes: a wrong architecture launches an AMI that does not boot, a
 * wrong size makes the capacity check plan for capacity that is not there.
 */
import * as assert from "node:assert/strict";
import { INSTANCE_TYPES, instanceTypeInfo } from "../../components/instanceTypes";

const TYPES = Object.entries(INSTANCE_TYPES);
/** `m7g.large` -> family `m7g`, size `large`. */
const parts = (name: string) => {
  const [family, size] = name.split(".");
  return { family, size };
};

describe("components/instanceTypes", () => {
  describe("instanceTypeInfo", () => {
    it("answers the facts of a known type", () => {
      assert.equal(instanceTypeInfo("t4g.medium"), INSTANCE_TYPES["t4g.medium"]);
    });

    for (const name of [
      "t9.huge",
      "",
      "T3.MEDIUM",
      "constructor",
      "toString",
      "__proto__",
      "hasOwnProperty",
    ]) {
      it(`knows nothing of ${JSON.stringify(name)}, not even what an object inherits`, () => {
        assert.equal(instanceTypeInfo(name), undefined);
      });
    }
  });

  describe("the table", () => {
    it("marks Graviton families (a 'g' after the generation) arm64 and every other family x86_64", () => {
      for (const [name, info] of TYPES) {
        const graviton = /^[a-z]+\d+g[a-z]*$/.test(parts(name).family);
        assert.equal(info.architecture, graviton ? "arm64" : "x86_64", name);
      }
    });

    it("gives each size its vCPUs (small, medium and large have 2, xlarge 4), 1024 CPU units each", () => {
      const vcpus: Record<string, number> = { small: 2, medium: 2, large: 2, xlarge: 4 };
      for (const [name, info] of TYPES) {
        assert.ok(parts(name).size in vcpus, `${name}: a size the table does not know`);
        assert.equal(info.cpuUnits, vcpus[parts(name).size] * 1024, name);
      }
    });

    it("gives each family its memory: c 2 GiB and m 4 GiB per vCPU, burstable t by size", () => {
      const burstable: Record<string, number> = { small: 2, medium: 4, large: 8 };
      for (const [name, info] of TYPES) {
        const { family, size } = parts(name);
        const vcpus = info.cpuUnits / 1024;
        const gib = family.startsWith("c") ? 2 * vcpus : family.startsWith("m") ? 4 * vcpus : burstable[size];
        assert.equal(info.memoryMiB, gib * 1024, name);
      }
    });

    it("plans on what ECS registers for tasks: a few hundred MiB below nominal, but not wastefully less", () => {
      for (const [name, info] of TYPES) {
        assert.ok(Number.isInteger(info.ecsMemoryMiB), name);
        assert.ok(info.ecsMemoryMiB <= info.memoryMiB - 200, `${name} leaves the OS and agent too little`);
        assert.ok(info.ecsMemoryMiB >= info.memoryMiB * 0.85, `${name} plans on too little`);
      }
    });
  });
});
