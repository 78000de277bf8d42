/** LoadBalancedService's arguments: the specs, the rules between them and the fit on one instance. Pure. */
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { ArgumentError, valueProblems } from "../../components/args";
import type { EcsClusterRef } from "../../components/ecsCluster";
import { INSTANCE_TYPES } from "../../components/instanceTypes";
import {
  type LoadBalancedServiceArgs,
  resolveServiceArgs,
  SERVICE_ARGS,
  serviceArgsProblems,
} from "../../components/serviceArgs";

/** A cluster of t3.medium: 2048 CPU units and 3686 MiB for tasks per instance. */
function cluster(instanceType = "t3.medium"): Pick<EcsClusterRef, "capacity"> {
  return {
    capacity: { instanceType, instance: INSTANCE_TYPES[instanceType], minInstances: 1, maxInstances: 3 },
  };
}

/** Everything resolveServiceArgs needs besides the arguments; it reads only the cluster's capacity. */
const REFS = { cluster: cluster() } as unknown as LoadBalancedServiceArgs;

describe("SERVICE_ARGS", () => {
  it("has defaults that pass their own rules and fit a t3.small, and documents every argument", () => {
    for (const [arg, spec] of Object.entries(SERVICE_ARGS)) {
      assert.deepEqual(valueProblems(arg, spec, spec.default), [], arg);
      assert.ok(spec.doc.length > 0, arg);
    }
    assert.deepEqual(serviceArgsProblems({}, cluster("t3.small")), []);
  });

  describe("accepts what the platform accepts, and refuses just past it", () => {
    const cases: [arg: keyof typeof SERVICE_ARGS, accepted: unknown[], refused: unknown[], why: string][] = [
      [
        "containerPort",
        [1024, 65535],
        [1023, 65536],
        "a port below 1024 needs root; the container is not root",
      ],
      ["deregistrationDelaySeconds", [0, 3600], [-1, 3601], "ELB TargetGroupAttribute deregistration_delay"],
      [
        "healthCheckPath",
        ["/healthz", `/${"a".repeat(1023)}`, "/a/b-c_d.e~f"],
        ["healthz", "", `/${"a".repeat(1024)}`, "/a b", "/é"],
        "ELB CreateTargetGroup HealthCheckPath: up to 1024 characters",
      ],
      ["logRetentionDays", [1, 7, 3653], [0, 2, 10], "CloudWatch Logs retention periods"],
      ["cpuTargetPercent", [10, 90], [9, 91], "a target near 100% leaves no room to scale before saturation"],
    ];
    for (const [arg, accepted, refused, why] of cases) {
      it(`${arg} (${why})`, () => {
        for (const value of accepted) {
          assert.deepEqual(serviceArgsProblems({ [arg]: value }, undefined), [], `${arg} = ${value}`);
        }
        for (const value of refused) {
          const problems = serviceArgsProblems({ [arg]: value }, undefined);
          assert.equal(problems.length, 1, `${arg} = ${value}`);
          assert.match(problems[0], new RegExp(`^${arg} = .* is not allowed; expected `));
        }
      });
    }
  });
});

describe("serviceArgsProblems", () => {
  it("keeps minTasks <= desiredTasks <= maxTasks, naming whichever is out of order", () => {
    const counts = fc.integer({ min: 1, max: 1000 });
    fc.assert(
      fc.property(counts, counts, counts, (minTasks, desiredTasks, maxTasks) => {
        const problems = serviceArgsProblems({ minTasks, desiredTasks, maxTasks }, undefined);
        const expected = [
          ...(minTasks > maxTasks ? [`maxTasks = ${maxTasks} is below minTasks = ${minTasks}`] : []),
          ...(desiredTasks < minTasks
            ? [`desiredTasks = ${desiredTasks} is below minTasks = ${minTasks}`]
            : []),
          ...(desiredTasks > maxTasks
            ? [`desiredTasks = ${desiredTasks} is above maxTasks = ${maxTasks}`]
            : []),
        ];
        assert.deepEqual(problems, expected);
      }),
    );
  });

  it("keeps the soft memory limit within the hard one", () => {
    const mib = fc.integer({ min: 128, max: 65536 });
    fc.assert(
      fc.property(mib, mib, (memory, memoryReservation) => {
        const problems = serviceArgsProblems({ memory, memoryReservation }, undefined);
        assert.deepEqual(
          problems,
          memoryReservation > memory
            ? [
                `memoryReservation = ${memoryReservation} is above memory = ${memory}; the soft limit must not exceed the hard limit`,
              ]
            : [],
        );
      }),
    );
  });

  describe("refuses a task that does not fit on one of the cluster's instances", () => {
    it("by its memory reservation", () => {
      assert.deepEqual(serviceArgsProblems({ memory: 2048, memoryReservation: 2048 }, cluster("t3.small")), [
        "cpu/memoryReservation: a task does not fit on one t3.small instance: 2048 MiB (memoryReservation) > 1843 MiB available for tasks; choose a larger instance type or a smaller task",
      ]);
    });

    it("by its CPU", () => {
      assert.deepEqual(serviceArgsProblems({ cpu: 4096 }, cluster()), [
        "cpu/memoryReservation: a task does not fit on one t3.medium instance: 4096 CPU units > 2048; choose a larger instance type or a smaller task",
      ]);
    });

    it("and accepts exactly the tasks that do", () => {
      const { cpuUnits, ecsMemoryMiB } = INSTANCE_TYPES["t3.medium"];
      fc.assert(
        fc.property(
          fc.integer({ min: 128, max: 4096 }),
          fc.integer({ min: 64, max: 8192 }),
          (cpu, memoryReservation) => {
            const fits = cpu <= cpuUnits && memoryReservation <= ecsMemoryMiB;
            const problems = serviceArgsProblems({ cpu, memory: 65536, memoryReservation }, cluster());
            assert.equal(problems.length === 0, fits, problems.join("; "));
          },
        ),
      );
    });

    it("but only when it knows the cluster (the stack checks the whole cluster)", () => {
      assert.deepEqual(serviceArgsProblems({ cpu: 16384 }, undefined), []);
    });
  });

  it("reports every problem at once, each named through the label", () => {
    const label = (arg: string) => `ecs-json-api:services.web.${arg}`;
    assert.deepEqual(
      serviceArgsProblems(
        { containerPort: 80, minTasks: 4, maxTasks: 3, desiredTasks: 3, memory: 256, memoryReservation: 512 },
        cluster(),
        label,
      ),
      [
        "ecs-json-api:services.web.containerPort = 80 is not allowed; expected a whole number from 1024 to 65535",
        "ecs-json-api:services.web.maxTasks = 3 is below ecs-json-api:services.web.minTasks = 4",
        "ecs-json-api:services.web.desiredTasks = 3 is below ecs-json-api:services.web.minTasks = 4",
        "ecs-json-api:services.web.memoryReservation = 512 is above ecs-json-api:services.web.memory = 256; the soft limit must not exceed the hard limit",
      ],
    );
  });

  it("checks no rule on a value that is itself wrong, so one mistake reads as one problem", () => {
    assert.deepEqual(serviceArgsProblems({ cpu: 100_000 }, cluster()), [
      "cpu = 100000 is not allowed; expected a whole number from 128 to 16384",
    ]);
    assert.deepEqual(serviceArgsProblems({ minTasks: 0, maxTasks: 3 }, cluster()), [
      "minTasks = 0 is not allowed; expected a whole number from 1 to 1000",
    ]);
  });
});

describe("resolveServiceArgs", () => {
  it("applies the defaults", () => {
    const r = resolveServiceArgs(REFS);
    assert.deepEqual(
      [r.containerPort, r.cpu, r.memory, r.memoryReservation, r.desiredTasks, r.minTasks, r.maxTasks],
      [8080, 256, 512, 256, 2, 1, 6],
    );
    assert.deepEqual(r.task, { cpu: 256, memory: 512, memoryReservation: 256 });
  });

  it("counts the tasks one instance holds by the scarcer of CPU and reserved memory", () => {
    const cases: [what: string, args: Partial<LoadBalancedServiceArgs>, tasks: number][] = [
      ["CPU-bound: 2048 units hold two 1024-unit tasks", { cpu: 1024, memoryReservation: 256 }, 2],
      [
        "memory-bound: 3686 MiB hold three 1024 MiB reservations",
        { cpu: 128, memory: 2048, memoryReservation: 1024 },
        3,
      ],
      ["by the reservation, not the hard limit", { cpu: 128, memory: 4096, memoryReservation: 512 }, 7],
    ];
    for (const [what, args, tasks] of cases) {
      assert.equal(resolveServiceArgs({ ...REFS, ...args }).tasksPerInstance, tasks, what);
    }
  });

  it("throws an ArgumentError of LoadBalancedService listing every problem", () => {
    assert.throws(
      () =>
        resolveServiceArgs({ ...REFS, minTasks: 3, desiredTasks: 2, memoryReservation: 8192, memory: 8192 }),
      (err: unknown) => {
        assert.ok(err instanceof ArgumentError);
        assert.equal(err.component, "LoadBalancedService");
        assert.deepEqual(err.problems, [
          "desiredTasks = 2 is below minTasks = 3",
          "cpu/memoryReservation: a task does not fit on one t3.medium instance: 8192 MiB (memoryReservation) > 3686 MiB available for tasks; choose a larger instance type or a smaller task",
        ]);
        return true;
      },
    );
  });
});
