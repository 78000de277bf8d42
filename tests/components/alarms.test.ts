/** The service's and the load balancer's alarms: their definitions (pure) and their creation (under mocks). */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import fc from "fast-check";
import {
  type AlarmSpec,
  createAlarms,
  DEFAULT_THRESHOLDS,
  loadBalancerAlarmSpecs,
  memoryAlarmThreshold,
  type ResolvedThresholds,
  serviceAlarmSpecs,
} from "../../components/alarms";
import { runUnderMocks } from "../../lib/harness";

const SERVICE = {
  albArnSuffix: "app/web-alb/0123456789abcdef",
  targetGroupArnSuffixes: ["targetgroup/web-tg/fedcba9876543210"],
  clusterName: "apps",
  serviceName: "web-service",
};
const THRESHOLDS: ResolvedThresholds = {
  ...DEFAULT_THRESHOLDS,
  taskMemory: 512,
  taskMemoryReservation: 256,
  healthCheckPath: "/healthz",
};
const service = serviceAlarmSpecs(SERVICE, THRESHOLDS);
const loadBalancer = loadBalancerAlarmSpecs(SERVICE.albArnSuffix);
const ALL: [string, AlarmSpec][] = [...Object.entries(loadBalancer), ...Object.entries(service)];

/** A metric-math query as the alarms write it: plain values, no Outputs. */
interface Query {
  id: string;
  expression?: string;
  returnData?: boolean;
  metric?: { metricName: string; period: number; dimensions: Record<string, unknown> };
}
const queriesOf = (spec: AlarmSpec) => (spec.metricQueries ?? []) as unknown as Query[];

/** The period of an alarm, or of each metric of a metric-math alarm. */
function periodsOf(spec: AlarmSpec): number[] {
  if (spec.metricQueries) return queriesOf(spec).flatMap((q) => (q.metric ? [Number(q.metric.period)] : []));
  return [Number(spec.period)];
}

describe("alarm definitions", () => {
  describe("stay within what CloudWatch accepts (PutMetricAlarm)", () => {
    for (const [key, spec] of ALL) {
      it(key, () => {
        const evaluationPeriods = Number(spec.evaluationPeriods);
        for (const period of periodsOf(spec)) {
          // Period: 10, 20 or 30 seconds (high resolution), or a multiple of 60.
          assert.ok([10, 20, 30].includes(period) || (period > 0 && period % 60 === 0), `period ${period}`);
          // "An alarm's total current evaluation period can be no longer than one day."
          assert.ok(period * evaluationPeriods <= 86_400, `${period} s x ${evaluationPeriods}`);
        }
        assert.ok(Number(spec.datapointsToAlarm) >= 1 && Number(spec.datapointsToAlarm) <= evaluationPeriods);
        const kinds = [spec.statistic, spec.extendedStatistic, spec.metricQueries].filter(
          (k) => k !== undefined,
        );
        assert.equal(kinds.length, 1, "exactly one of statistic, extendedStatistic, metricQueries");
        assert.ok(String(spec.alarmDescription).length <= 1024);
      });
    }
  });

  it("reads missing data deliberately: ALB and ECS metrics go quiet when all is well, Container Insights' absence shows", () => {
    for (const [key, spec] of ALL) {
      if (spec.namespace === "AWS/ApplicationELB" || spec.namespace === "AWS/ECS") {
        assert.equal(spec.treatMissingData, "notBreaching", key);
      }
    }
    // Without Container Insights the shortfall alarm must stay INSUFFICIENT_DATA, not turn silently OK.
    assert.equal(service["tasks-pending"].treatMissingData, "missing");
  });

  it("watches this load balancer and target group, or this cluster and service", () => {
    const byNamespace: Record<string, object> = {
      "AWS/ApplicationELB": {
        LoadBalancer: SERVICE.albArnSuffix,
        TargetGroup: SERVICE.targetGroupArnSuffixes[0],
      },
      "AWS/ECS": { ClusterName: SERVICE.clusterName, ServiceName: SERVICE.serviceName },
    };
    for (const [key, spec] of Object.entries(service)) {
      if (spec.namespace) assert.deepEqual(spec.dimensions, byNamespace[String(spec.namespace)], key);
    }
    for (const query of queriesOf(service["tasks-pending"])) {
      if (query.metric) assert.deepEqual(query.metric.dimensions, byNamespace["AWS/ECS"]);
    }
    assert.deepEqual(loadBalancer["alb-5xx"].dimensions, { LoadBalancer: SERVICE.albArnSuffix });
  });

  it("tells apart the ALB's own 5xx answers from the service's", () => {
    assert.equal(loadBalancer["alb-5xx"].metricName, "HTTPCode_ELB_5XX_Count");
    assert.equal(service["target-5xx"].metricName, "HTTPCode_Target_5XX_Count");
  });

  it("fires on the first task that fails its health checks for five minutes", () => {
    const alarm = service["unhealthy-hosts"];
    assert.deepEqual(
      [alarm.metricName, alarm.statistic, alarm.comparisonOperator, alarm.threshold],
      ["UnHealthyHostCount", "Maximum", "GreaterThanThreshold", 0],
    );
    assert.equal(Number(alarm.period) * Number(alarm.datapointsToAlarm), 300);
  });

  it("says in each description the threshold it fires at", () => {
    const thresholds: [key: string, shown: string][] = [
      ["target-5xx", `${THRESHOLDS.errorsPerMinute} times a minute`],
      ["p99-latency", `${THRESHOLDS.p99Seconds} s`],
      ["cpu-high", `${THRESHOLDS.cpuPercent}%`],
      [
        "memory-high",
        `${THRESHOLDS.memoryOfHardLimitPercent}% of its ${THRESHOLDS.taskMemory} MiB hard limit`,
      ],
      ["unhealthy-hosts", THRESHOLDS.healthCheckPath],
    ];
    for (const [key, shown] of thresholds)
      assert.ok(String(service[key].alarmDescription).includes(shown), key);
    assert.ok(String(loadBalancer["alb-5xx"].alarmDescription).includes("5 times a minute"));
    assert.equal(loadBalancerAlarmSpecs("app/x/1", 9)["alb-5xx"].threshold, 9);
  });

  it("uses the given thresholds", () => {
    const custom = serviceAlarmSpecs(SERVICE, {
      ...THRESHOLDS,
      errorsPerMinute: 7,
      p99Seconds: 2,
      cpuPercent: 70,
    });
    assert.deepEqual(
      [custom["target-5xx"].threshold, custom["p99-latency"].threshold, custom["cpu-high"].threshold],
      [7, 2, 70],
    );
  });

  describe("the task shortfall alarm", () => {
    const alarm = service["tasks-pending"];
    const queries = queriesOf(alarm);

    it("fires when fewer tasks run than desired, by as little as one", () => {
      const returned = queries.filter((q) => q.returnData);
      assert.equal(returned.length, 1);
      assert.equal(returned[0].expression, "desired - running");
      const byId = Object.fromEntries(queries.map((q) => [q.id, q.metric?.metricName]));
      assert.deepEqual([byId.desired, byId.running], ["DesiredTaskCount", "RunningTaskCount"]);
      assert.deepEqual([alarm.comparisonOperator, alarm.threshold], ["GreaterThanOrEqualToThreshold", 1]);
    });

    it("waits 15 minutes, longer than managed scaling takes to launch and join an instance", () => {
      const minutes = (periodsOf(alarm)[0] * Number(alarm.datapointsToAlarm)) / 60;
      assert.ok(minutes >= 15, String(minutes));
    });
  });
});

describe("memoryAlarmThreshold", () => {
  it("converts a share of the hard limit into the share of the reservation ECS reports", () => {
    // 90% of a 512 MiB hard limit is 460.8 MiB: 180% of a 256 MiB reservation.
    assert.equal(memoryAlarmThreshold(THRESHOLDS), 180);
    assert.equal(service["memory-high"].threshold, 180);
  });

  it("fires at the same memory use, in MiB, that the hard-limit share names (to the nearest reported percent)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 64, max: 65536 }),
        fc.integer({ min: 64, max: 65536 }),
        fc.integer({ min: 1, max: 100 }),
        (a, b, memoryOfHardLimitPercent) => {
          const [taskMemoryReservation, taskMemory] = a <= b ? [a, b] : [b, a];
          const threshold = memoryAlarmThreshold({
            ...THRESHOLDS,
            taskMemory,
            taskMemoryReservation,
            memoryOfHardLimitPercent,
          });
          const firesAtMiB = (threshold / 100) * taskMemoryReservation;
          const meantMiB = (memoryOfHardLimitPercent / 100) * taskMemory;
          assert.ok(
            // Rounding to a whole percent moves it by at most half a percent of the reservation (and a float ulp).
            Math.abs(firesAtMiB - meantMiB) <= taskMemoryReservation / 200 + 1e-9,
            `${firesAtMiB} vs ${meantMiB}`,
          );
        },
      ),
    );
  });

  it("is the share itself when there is no separate reservation", () => {
    assert.equal(memoryAlarmThreshold({ ...THRESHOLDS, taskMemory: 1024, taskMemoryReservation: 1024 }), 90);
  });
});

describe("createAlarms", () => {
  it("creates one alarm per definition, named by its key, notifying the topic when it fires and when it clears", async () => {
    const topic = "arn:aws:sns:eu-west-1:123456789012:alarms";
    const e = await runUnderMocks(() => {
      const provider = new aws.Provider("caller", { region: "eu-west-1" });
      createAlarms("web", service, topic, { provider });
    });
    const alarms = e.resourcesOfType("aws:cloudwatch/metricAlarm:MetricAlarm");
    assert.deepEqual(
      alarms.map((a) => a.name).sort(),
      Object.keys(service)
        .map((k) => `web-${k}`)
        .sort(),
    );
    for (const alarm of alarms) {
      assert.deepEqual(alarm.inputs.alarmActions, [topic], alarm.name);
      assert.deepEqual(alarm.inputs.okActions, [topic], alarm.name);
      assert.equal(e.providerOf(alarm)?.name, "caller", alarm.name);
    }
  });
});
