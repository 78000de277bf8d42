/** The program-time capacity check: how many tasks fit per instance, and the plans it refuses. */
import * as assert from "node:assert/strict";
import fc from "fast-check";
import {
  type CapacityPlan,
  capacityProblems,
  instanceFit,
  placementMemoryMiB,
  tasksPerInstance,
} from "../components/capacity";
import { stackConfig } from "../lib/harness";
import { parseCliConfig } from "../stacks/config";
import { INSTANCE_TYPES, type InstanceTypeInfo } from "../stacks/instanceTypes";

const T3_MEDIUM = INSTANCE_TYPES["t3.medium"]; // 2048 CPU units, 3686 MiB for tasks
const SMALL_TASK = { cpu: 256, memory: 512, memoryReservation: 256 };

function plan(overrides: Partial<CapacityPlan> = {}): CapacityPlan {
  return {
    instanceType: "t3.medium",
    instance: T3_MEDIUM,
    task: SMALL_TASK,
    maxTasks: 6,
    maxInstances: 3,
    ...overrides,
  };
}

describe("capacity check", () => {
  describe("tasks per instance", () => {
    it("places by the soft limit (memoryReservation) when one is set, not the hard limit", () => {
      assert.equal(placementMemoryMiB(SMALL_TASK), 256);
      assert.deepEqual(instanceFit(T3_MEDIUM, { cpu: 128, memory: 2048, memoryReservation: 512 }), {
        tasks: 7,
        byMemory: 7,
        byCpu: 16,
      });
    });

    it("places by the hard limit when there is no soft limit", () => {
      assert.equal(placementMemoryMiB({ cpu: 256, memory: 512 }), 512);
      assert.equal(tasksPerInstance(T3_MEDIUM, { cpu: 128, memory: 512 }), 7);
    });

    it("is bounded by CPU when CPU runs out first", () => {
      assert.deepEqual(instanceFit(T3_MEDIUM, SMALL_TASK), { tasks: 8, byMemory: 14, byCpu: 8 });
    });

    it("never overfills an instance and leaves no room for one more task (property)", () => {
      const types = Object.values(INSTANCE_TYPES);
      fc.assert(
        fc.property(
          fc.constantFrom(...types),
          fc.integer({ min: 128, max: 16384 }),
          fc.integer({ min: 64, max: 65536 }),
          (instance: InstanceTypeInfo, cpu: number, reservation: number) => {
            const task = { cpu, memory: 65536, memoryReservation: reservation };
            const n = tasksPerInstance(instance, task);
            assert.ok(n * cpu <= instance.cpuUnits && n * reservation <= instance.ecsMemoryMiB);
            assert.ok((n + 1) * cpu > instance.cpuUnits || (n + 1) * reservation > instance.ecsMemoryMiB);
          },
        ),
      );
    });
  });

  describe("problems", () => {
    it("accepts a plan with room for maxTasks and one replacement", () => {
      assert.deepEqual(capacityProblems(plan()), []);
    });

    it("refuses a task bigger than one instance's CPU", () => {
      assert.deepEqual(capacityProblems(plan({ task: { cpu: 4096, memory: 512, memoryReservation: 256 } })), [
        "a task does not fit on one t3.medium instance: 4096 CPU units > 2048; choose a larger instanceType or a smaller task",
      ]);
    });

    it("refuses a task whose reservation exceeds what one instance registers for tasks", () => {
      assert.deepEqual(
        capacityProblems(plan({ task: { cpu: 256, memory: 4096, memoryReservation: 4000 } })),
        [
          "a task does not fit on one t3.medium instance: 4000 MiB (memoryReservation) > 3686 MiB available for tasks; choose a larger instanceType or a smaller task",
        ],
      );
    });

    it("names both shortfalls when neither CPU nor memory fits", () => {
      assert.deepEqual(capacityProblems(plan({ task: { cpu: 4096, memory: 4096 } })), [
        "a task does not fit on one t3.medium instance: 4096 MiB (memory) > 3686 MiB available for tasks and 4096 CPU units > 2048; choose a larger instanceType or a smaller task",
      ]);
    });

    it("refuses maxTasks that cannot all be placed on maxInstances, and says what would fit", () => {
      assert.deepEqual(capacityProblems(plan({ maxTasks: 20, maxInstances: 2 })), [
        "maxTasks = 20 cannot fit on maxInstances = 2: 8 per t3.medium (by memory 3686 / 256 MiB = 14, by CPU 2048 / 256 units = 8), so at most 16 tasks; raise maxInstances to 3 or lower maxTasks",
      ]);
    });

    it("refuses a full cluster with no slot for a rolling deploy's replacement task", () => {
      assert.deepEqual(capacityProblems(plan({ maxTasks: 16, maxInstances: 2 })), [
        "maxTasks = 16 leaves no room to deploy on maxInstances = 2: 8 per t3.medium (by memory 3686 / 256 MiB = 14, by CPU 2048 / 256 units = 8), so at most 16 tasks, and a rolling deploy at full scale needs 17; raise maxInstances to 3 or lower maxTasks to 15",
      ]);
      assert.deepEqual(capacityProblems(plan({ maxTasks: 15, maxInstances: 2 })), []);
    });

    for (const stack of ["test", "prod"]) {
      it(`accepts the committed ${stack} stack's sizes`, () => {
        const config = parseCliConfig(stack, stackConfig(stack).config);
        const problems = capacityProblems({
          instanceType: config.instanceType,
          instance: config.instance,
          task: {
            cpu: config.taskCpu,
            memory: config.taskMemory,
            memoryReservation: config.taskMemoryReservation,
          },
          maxTasks: config.maxTasks,
          maxInstances: config.maxInstances,
        });
        assert.deepEqual(problems, []);
      });
    }
  });
});
