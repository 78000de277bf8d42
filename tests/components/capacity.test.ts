/**
 * components/capacity.ts: the program-time capacity check. How many tasks fit on an instance as ECS places
 * them, how many instances a set of services needs at their peak, and the problems a plan that cannot be
 * placed gets. Pure functions.
 */
import * as assert from "node:assert/strict";
import fc from "fast-check";
import {
  type ClusterSize,
  clusterFitProblems,
  instanceFit,
  instancesNeeded,
  placementMemoryMiB,
  type ServiceDemand,
  type TaskSize,
  taskFitProblem,
  tasksPerInstance,
} from "../../components/capacity";
import { INSTANCE_TYPES, type InstanceTypeInfo } from "../../components/instanceTypes";

const T3_MEDIUM = INSTANCE_TYPES["t3.medium"];
const { cpuUnits: CPU, ecsMemoryMiB: MEMORY } = T3_MEDIUM;

const service = (name: string, task: TaskSize, peakTasks: number): ServiceDemand => ({
  name,
  task,
  peakTasks,
  why: `maxTasks ${peakTasks - 1} + 1 for a rolling deploy`,
});
const cluster = (maxInstances: number): ClusterSize => ({
  instanceType: "t3.medium",
  instance: T3_MEDIUM,
  maxInstances,
});

/** Any known instance type. */
const instanceType = fc.constantFrom(...Object.values(INSTANCE_TYPES));
/** Any task that fits on the instance, as ECS sizes tasks (CPU units, MiB, an optional soft limit). */
const fittingTask = (instance: InstanceTypeInfo): fc.Arbitrary<TaskSize> =>
  fc
    .record({
      cpu: fc.integer({ min: 128, max: instance.cpuUnits }),
      reservation: fc.integer({ min: 64, max: instance.ecsMemoryMiB }),
      soft: fc.boolean(),
    })
    .map(({ cpu, reservation, soft }) =>
      soft ? { cpu, memory: reservation * 2, memoryReservation: reservation } : { cpu, memory: reservation },
    );
/** An instance type and one to four services whose tasks each fit on it. */
const servicesOnInstance = instanceType.chain((instance) =>
  fc
    .array(fc.record({ task: fittingTask(instance), peakTasks: fc.integer({ min: 0, max: 12 }) }), {
      minLength: 1,
      maxLength: 4,
    })
    .map((demands) => ({
      instance,
      services: demands.map((d, i) => service(`s${i}`, d.task, d.peakTasks)),
    })),
);

describe("components/capacity", () => {
  describe("placementMemoryMiB", () => {
    it("reserves the soft limit (memoryReservation) when one is set, as ECS does", () => {
      assert.equal(placementMemoryMiB({ cpu: 256, memory: 1024, memoryReservation: 256 }), 256);
    });

    it("reserves the hard limit when there is no soft limit", () => {
      assert.equal(placementMemoryMiB({ cpu: 256, memory: 512 }), 512);
    });
  });

  describe("instanceFit", () => {
    it("counts tasks by the memory ECS registers for tasks, not the instance's nominal memory", () => {
      const task = { cpu: 128, memory: T3_MEDIUM.memoryMiB / 4 };
      assert.ok(T3_MEDIUM.ecsMemoryMiB < T3_MEDIUM.memoryMiB);
      assert.equal(instanceFit(T3_MEDIUM, task).byMemory, 3);
    });

    it("is bounded by CPU when CPU runs out first, and by memory when memory does", () => {
      assert.deepEqual(instanceFit(T3_MEDIUM, { cpu: 512, memory: 256 }), {
        tasks: 4,
        byCpu: 4,
        byMemory: Math.floor(MEMORY / 256),
      });
      assert.deepEqual(instanceFit(T3_MEDIUM, { cpu: 128, memory: 2048, memoryReservation: 1024 }), {
        tasks: Math.floor(MEMORY / 1024),
        byCpu: 16,
        byMemory: Math.floor(MEMORY / 1024),
      });
    });

    it("never overfills an instance and leaves no room for one more task (property)", () => {
      fc.assert(
        fc.property(
          instanceType,
          fc.integer({ min: 128, max: 16384 }),
          fc.integer({ min: 64, max: 65536 }),
          fc.option(fc.integer({ min: 64, max: 65536 }), { nil: undefined }),
          (instance, cpu, memory, memoryReservation) => {
            const task = { cpu, memory, memoryReservation };
            const reserved = memoryReservation ?? memory;
            const n = tasksPerInstance(instance, task);
            assert.equal(n, instanceFit(instance, task).tasks);
            assert.ok(n * cpu <= instance.cpuUnits && n * reserved <= instance.ecsMemoryMiB);
            assert.ok((n + 1) * cpu > instance.cpuUnits || (n + 1) * reserved > instance.ecsMemoryMiB);
          },
        ),
      );
    });
  });

  describe("taskFitProblem", () => {
    it("accepts a task that takes a whole instance exactly", () => {
      assert.equal(taskFitProblem("t3.medium", T3_MEDIUM, { cpu: CPU, memory: MEMORY }), undefined);
    });

    const refused: [string, TaskSize, string][] = [
      ["more CPU than the instance has", { cpu: CPU + 1, memory: 512 }, `${CPU + 1} CPU units > ${CPU}`],
      [
        "a soft limit above what the instance registers for tasks",
        { cpu: 256, memory: MEMORY + 500, memoryReservation: MEMORY + 1 },
        `${MEMORY + 1} MiB (memoryReservation) > ${MEMORY} MiB available for tasks`,
      ],
      [
        "both, naming the hard limit when it is what ECS reserves",
        { cpu: 4096, memory: 4096 },
        `4096 MiB (memory) > ${MEMORY} MiB available for tasks and 4096 CPU units > ${CPU}`,
      ],
    ];
    for (const [what, task, shortfall] of refused) {
      it(`refuses a task with ${what}, and says what to change`, () => {
        assert.equal(
          taskFitProblem("t3.medium", T3_MEDIUM, task),
          `a task does not fit on one t3.medium instance: ${shortfall}; choose a larger instance type or a smaller task`,
        );
      });
    }

    it("refuses a task exactly when no task fits on the instance (property)", () => {
      fc.assert(
        fc.property(
          instanceType,
          fc.integer({ min: 1, max: 20000 }),
          fc.integer({ min: 1, max: 70000 }),
          (instance, cpu, memory) => {
            const task = { cpu, memory };
            assert.equal(
              taskFitProblem("x", instance, task) === undefined,
              tasksPerInstance(instance, task) > 0,
            );
          },
        ),
      );
    });
  });

  describe("instancesNeeded", () => {
    it("needs no instance for no tasks", () => {
      assert.equal(instancesNeeded(T3_MEDIUM, []), 0);
      assert.equal(instancesNeeded(T3_MEDIUM, [service("idle", { cpu: 256, memory: 512 }, 0)]), 0);
    });

    it("with one service, needs the peak divided by the tasks one instance holds, rounded up (property)", () => {
      fc.assert(
        fc.property(
          instanceType.chain((instance) => fc.tuple(fc.constant(instance), fittingTask(instance))),
          fc.integer({ min: 0, max: 60 }),
          ([instance, task], peak) => {
            const needed = instancesNeeded(instance, [service("api", task, peak)]);
            assert.equal(needed, Math.ceil(peak / tasksPerInstance(instance, task)));
          },
        ),
      );
    });

    it("never needs fewer instances than the services' total CPU or total memory require (property)", () => {
      fc.assert(
        fc.property(servicesOnInstance, ({ instance, services }) => {
          const needed = instancesNeeded(instance, services);
          const total = (f: (s: ServiceDemand) => number) =>
            services.reduce((sum, s) => sum + s.peakTasks * f(s), 0);
          assert.ok(needed >= Math.ceil(total((s) => s.task.cpu) / instance.cpuUnits), "too few for the CPU");
          assert.ok(
            needed >= Math.ceil(total((s) => placementMemoryMiB(s.task)) / instance.ecsMemoryMiB),
            "too few for the memory",
          );
        }),
      );
    });

    it("never opens an instance it puts no task on (property)", () => {
      fc.assert(
        fc.property(servicesOnInstance, ({ instance, services }) => {
          assert.ok(instancesNeeded(instance, services) <= services.reduce((sum, s) => sum + s.peakTasks, 0));
        }),
      );
    });

    it("lets services whose tasks complement each other share instances", () => {
      // One CPU-heavy and one memory-heavy task per instance: 2 instances, where apart they would need 2 + 1.
      const cpuHeavy = service("cpu", { cpu: 1536, memory: 256 }, 2);
      const memoryHeavy = service("memory", { cpu: 256, memory: 1800 }, 2);
      assert.equal(instancesNeeded(T3_MEDIUM, [cpuHeavy]), 2);
      assert.equal(instancesNeeded(T3_MEDIUM, [memoryHeavy]), 1);
      assert.equal(instancesNeeded(T3_MEDIUM, [cpuHeavy, memoryHeavy]), 2);
    });
  });

  describe("clusterFitProblems", () => {
    const api = service("api", { cpu: 256, memory: 512, memoryReservation: 256 }, 7);
    const worker = service("worker", { cpu: 512, memory: 1024 }, 4);

    it("accepts services whose peak tasks fit on maxInstances", () => {
      // api: 8 per instance by CPU, so 1; worker: 3 per instance by memory, with api's leftovers: 2 in all.
      assert.equal(instancesNeeded(T3_MEDIUM, [api, worker]), 2);
      assert.deepEqual(clusterFitProblems(cluster(2), [api, worker]), []);
    });

    it("refuses peak tasks that need more than maxInstances, naming each service's share and the fix", () => {
      assert.deepEqual(clusterFitProblems(cluster(1), [api, worker]), [
        `the services' peak tasks need 2 t3.medium instances (${CPU} CPU units and ${MEMORY} MiB for tasks each), but maxInstances is 1: ` +
          "api: 7 tasks (maxTasks 6 + 1 for a rolling deploy) of 256 CPU units and 256 MiB, 8 per instance alone; " +
          `worker: 4 tasks (maxTasks 3 + 1 for a rolling deploy) of 512 CPU units and 1024 MiB, ${Math.min(4, Math.floor(MEMORY / 1024))} per instance alone; ` +
          "raise maxInstances to 2 or lower maxTasks",
      ]);
    });

    it("names every service whose task fits on no instance, and stops there", () => {
      const huge = service("huge", { cpu: 4096, memory: 512 }, 1);
      const hungry = service("hungry", { cpu: 256, memory: 8192 }, 1);
      const problems = clusterFitProblems(cluster(1), [api, huge, hungry, worker]);
      assert.deepEqual(problems, [
        `huge: ${taskFitProblem("t3.medium", T3_MEDIUM, huge.task)}`,
        `hungry: ${taskFitProblem("t3.medium", T3_MEDIUM, hungry.task)}`,
      ]);
    });

    it("refuses exactly the plans that need more instances than maxInstances (property)", () => {
      fc.assert(
        fc.property(
          servicesOnInstance,
          fc.integer({ min: 1, max: 20 }),
          ({ instance, services }, maxInstances) => {
            const problems = clusterFitProblems({ instanceType: "x", instance, maxInstances }, services);
            assert.equal(problems.length > 0, instancesNeeded(instance, services) > maxInstances);
          },
        ),
      );
    });
  });
});
