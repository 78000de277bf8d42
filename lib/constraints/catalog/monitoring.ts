/** CloudWatch: log groups, metric alarms and dashboards. */
import { autoName, defaultAutoName } from "../autoname";
import { apiReference, botocore } from "../botocore";
import type { DocumentConstraints, Rule, TypeConstraints } from "../model";
import { crossField, custom, items, jsonDocument, length, oneOf, pattern, range } from "../rules";
import { NO_CONSTRAINT, regionRule, tagRules } from "./common";
import { dashboardBody } from "./docs";

const DIM_NAME = botocore("cloudwatch", "Dimension.Name");
const DIM_VALUE = botocore("cloudwatch", "Dimension.Value");

/** A dimensions map: names and values against the Dimension shape's traits. */
const dimensions: Rule = {
  get text() {
    return `names: ${DIM_NAME.text}; values: ${DIM_VALUE.text}`;
  },
  source: DIM_NAME.source,
  refuses: [{ ["n".repeat(256)]: "v" }, { ServiceName: "" }, { ServiceName: "v".repeat(1025) }],
  whole: true,
  check: (v, ctx) => {
    if (v === null || typeof v !== "object") return [{ value: v, problem: "is not a map" }];
    return Object.entries(v).flatMap(([k, val]) => [
      ...DIM_NAME.check(k, ctx).map((f) => ({ ...f, path: `.${k} (name)` })),
      ...DIM_VALUE.check(val, ctx).map((f) => ({ ...f, path: `.${k}` })),
    ]);
  },
};

const PERIOD = apiReference(
  "cloudwatch",
  "PutMetricAlarmInput.Period",
  "Valid values are 10, 20, 30, and any multiple of 60.",
);
const periodRule: Rule = custom(
  "10, 20, 30 or a multiple of 60",
  PERIOD,
  (v) => {
    const n = Number(v);
    return [10, 20, 30].includes(n) || (Number.isInteger(n) && n > 0 && n % 60 === 0)
      ? undefined
      : "is not 10, 20, 30 or a multiple of 60";
  },
  [15, 45, 90, 0],
);
const EVALUATION_RANGE = apiReference(
  "cloudwatch",
  "PutMetricAlarmInput.Period",
  "An alarm's total current evaluation period can be no longer than seven days, so Period multiplied by EvaluationPeriods can't be more than 604,800 seconds. For alarms with a period of less than one hour (3,600 seconds), the total evaluation period can't be longer than one day (86,400 seconds).",
);

/** The period of an alarm: its own, or the period of the metric query it returns. */
function alarmPeriod(i: Record<string, unknown>): number | undefined {
  if (typeof i.period === "number") return i.period;
  const queries = (Array.isArray(i.metricQueries) ? i.metricQueries : []) as {
    metric?: { period?: number };
  }[];
  const periods = queries.map((q) => q.metric?.period).filter((p): p is number => typeof p === "number");
  return periods.length ? Math.max(...periods) : undefined;
}

const LOG_TAGS = tagRules({
  key: botocore("logs", "CreateLogGroupRequest.tags", "keyShape"),
  value: botocore("logs", "CreateLogGroupRequest.tags", "valueShape"),
});

const dashboardWidgets: DocumentConstraints = {
  fields: {
    widgets: [
      items(
        0,
        500,
        dashboardBody(
          "It can include an array of between 0 and 500 widget objects, as well as a few other parameters.",
        ),
      ),
    ],
    "widgets[].width": [range(1, 24, dashboardBody("Valid Values: 1–24"), { integer: true })],
    "widgets[].height": [range(1, 1000, dashboardBody("Valid Values: 1–1000"), { integer: true })],
    "widgets[].x": [
      range(0, 23, dashboardBody("The horizontal position of the widget on the 24-column dashboard grid."), {
        integer: true,
      }),
    ],
    "widgets[].y": [
      range(0, undefined, dashboardBody("The vertical position of the widget."), { integer: true }),
    ],
    "widgets[].properties.region": [regionRule()],
    "widgets[].properties.period": [periodRule],
  },
  unconstrained: {
    start: "a relative ISO 8601 duration or a time stamp; CloudWatch documents formats, not limits",
    "widgets[].type":
      "the widget kinds the page documents (metric, text, log, alarm, explorer); not restricted further",
    "widgets[].properties.title":
      "the Dashboard Body reference documents no length or character limit for titles",
    "widgets[].properties.view": "a display choice (timeSeries, singleValue, ...); not restricted further",
    "widgets[].properties.stacked": NO_CONSTRAINT.boolean,
    "widgets[].properties.stat": "any statistic or extended statistic CloudWatch computes",
    "widgets[].properties.markdown": "free text rendered as Markdown",
    "widgets[].properties.alarms[]": NO_CONSTRAINT.reference,
    "widgets[].properties.metrics.*":
      "metric arrays (namespace, name, dimension pairs, options); their names follow the metric's own service",
    "widgets[].properties.yAxis.*": "axis display settings",
    "widgets[].properties.annotations.*": "display annotations (labels and values)",
    "widgets[].properties.legend.*": "display settings",
    "widgets[].properties.setPeriodToTimeRange": NO_CONSTRAINT.boolean,
    "widgets[].properties.sparkline": NO_CONSTRAINT.boolean,
    "widgets[].properties.liveData": NO_CONSTRAINT.boolean,
  },
};

export const MONITORING: Record<string, TypeConstraints> = {
  "aws:cloudwatch/logGroup:LogGroup": {
    autoName: defaultAutoName(),
    fields: {
      name: [botocore("logs", "CreateLogGroupRequest.logGroupName")],
      retentionInDays: [
        oneOf(
          [
            1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
            3653,
          ],
          apiReference(
            "logs",
            "PutRetentionPolicyRequest.retentionInDays",
            "Possible values are: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, and 3653.",
          ),
        ),
      ],
      kmsKeyId: [botocore("logs", "CreateLogGroupRequest.kmsKeyId")],
      logGroupClass: [botocore("logs", "CreateLogGroupRequest.logGroupClass")],
    },
    unconstrained: {
      namePrefix: NO_CONSTRAINT.prefix,
      skipDestroy: NO_CONSTRAINT.providerOnly,
      deletionProtectionEnabled: NO_CONSTRAINT.boolean,
    },
    tags: LOG_TAGS,
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    autoName: autoName(
      "name",
      255,
      '"aws_cloudwatch_metric_alarm": ... "alarm_name": tfbridge.AutoName("name", 255, "-")',
    ),
    fields: {
      name: [
        botocore("cloudwatch", "PutMetricAlarmInput.AlarmName"),
        custom(
          "no ASCII control characters",
          apiReference(
            "cloudwatch",
            "PutMetricAlarmInput.AlarmName",
            "The name must contain only UTF-8 characters, and can't contain ASCII control characters",
          ),
          (v) =>
            [...String(v)].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
              ? "contains a control character"
              : undefined,
          ["api\n5xx", "api\t5xx"],
        ),
      ],
      alarmDescription: [botocore("cloudwatch", "PutMetricAlarmInput.AlarmDescription")],
      alarmActions: [botocore("cloudwatch", "PutMetricAlarmInput.AlarmActions")],
      "alarmActions[]": [botocore("cloudwatch", "PutMetricAlarmInput.AlarmActions", "each")],
      okActions: [botocore("cloudwatch", "PutMetricAlarmInput.OKActions")],
      "okActions[]": [botocore("cloudwatch", "PutMetricAlarmInput.OKActions", "each")],
      insufficientDataActions: [botocore("cloudwatch", "PutMetricAlarmInput.InsufficientDataActions")],
      "insufficientDataActions[]": [
        botocore("cloudwatch", "PutMetricAlarmInput.InsufficientDataActions", "each"),
      ],
      metricName: [botocore("cloudwatch", "PutMetricAlarmInput.MetricName")],
      namespace: [botocore("cloudwatch", "PutMetricAlarmInput.Namespace")],
      statistic: [botocore("cloudwatch", "PutMetricAlarmInput.Statistic")],
      extendedStatistic: [
        pattern(
          /(p|tm|tc|ts|wm)(\d{1,2}(\.\d+)?|100)|IQM|(PR|TC|TM|TS|WM)\(.+\)/,
          "p90, tm90, tc90, ts90, wm90, IQM, PR(n:m), TC(X%:X%), TM(X%:X%), TS(X%:X%), WM(X%:X%)",
          apiReference(
            "cloudwatch",
            "PutMetricAlarmInput.ExtendedStatistic",
            "If you specify ExtendedStatistic, the following are valid values: p90 tm90 tc90 ts90 wm90 IQM PR(n:m) where n and m are values of the metric",
          ),
          ["P99", "p", "percentile99", "Average"],
        ),
      ],
      unit: [botocore("cloudwatch", "PutMetricAlarmInput.Unit")],
      dimensions: [botocore("cloudwatch", "PutMetricAlarmInput.Dimensions"), dimensions],
      period: [botocore("cloudwatch", "PutMetricAlarmInput.Period"), periodRule],
      evaluationPeriods: [botocore("cloudwatch", "PutMetricAlarmInput.EvaluationPeriods")],
      datapointsToAlarm: [botocore("cloudwatch", "PutMetricAlarmInput.DatapointsToAlarm")],
      comparisonOperator: [botocore("cloudwatch", "PutMetricAlarmInput.ComparisonOperator")],
      treatMissingData: [
        oneOf(
          ["breaching", "notBreaching", "ignore", "missing"],
          apiReference(
            "cloudwatch",
            "PutMetricAlarmInput.TreatMissingData",
            "Valid Values: breaching | notBreaching | ignore | missing",
          ),
        ),
      ],
      evaluateLowSampleCountPercentiles: [
        oneOf(
          ["evaluate", "ignore"],
          apiReference(
            "cloudwatch",
            "PutMetricAlarmInput.EvaluateLowSampleCountPercentile",
            "Valid Values: evaluate | ignore",
          ),
        ),
      ],
      "metricQueries[].id": [
        botocore("cloudwatch", "MetricDataQuery.Id"),
        pattern(
          /[a-z][A-Za-z0-9_]*/,
          "a lowercase letter, then letters, numbers and underscores",
          apiReference(
            "cloudwatch",
            "MetricDataQuery.Id",
            "The valid characters are letters, numbers, and underscore. The first character must be a lowercase letter.",
          ),
          ["Errors", "5xx", "error-rate"],
        ),
      ],
      "metricQueries[].expression": [botocore("cloudwatch", "MetricDataQuery.Expression")],
      "metricQueries[].metric.metricName": [botocore("cloudwatch", "Metric.MetricName")],
      "metricQueries[].metric.namespace": [botocore("cloudwatch", "Metric.Namespace")],
      "metricQueries[].metric.period": [botocore("cloudwatch", "MetricStat.Period"), periodRule],
      "metricQueries[].metric.stat": [
        length(
          1,
          undefined,
          apiReference(
            "cloudwatch",
            "MetricStat.Stat",
            "It can include any CloudWatch statistic or extended statistic.",
          ),
        ),
      ],
      "metricQueries[].metric.unit": [botocore("cloudwatch", "MetricStat.Unit")],
      "metricQueries[].metric.dimensions": [dimensions],
      "metricQueries[].accountId": [botocore("cloudwatch", "MetricDataQuery.AccountId")],
    },
    unconstrained: {
      threshold: "any number (a double)",
      actionsEnabled: NO_CONSTRAINT.boolean,
      "metricQueries[].label": "a display label; the API reference sets no limit",
      "metricQueries[].returnData": NO_CONSTRAINT.boolean,
      thresholdMetricId: "the id of a metric query of the alarm (checked as an id where the query is)",
    },
    resource: [
      crossField(
        ["period", "evaluationPeriods"],
        "period × evaluationPeriods <= 604,800 s, and <= 86,400 s when the period is under an hour",
        EVALUATION_RANGE,
        (i) => {
          const period = alarmPeriod(i);
          const n = Number(i.evaluationPeriods);
          if (period === undefined || !Number.isFinite(n)) return undefined;
          const total = period * n;
          const limit = period < 3600 ? 86400 : 604800;
          return total > limit
            ? { path: "evaluationPeriods", problem: `× period ${period} is ${total} s, above ${limit} s` }
            : undefined;
        },
        [
          { period: 3000, evaluationPeriods: 48 },
          { period: 60, evaluationPeriods: 1441 },
          { period: 3600, evaluationPeriods: 169 },
          { metricQueries: [{ id: "m", returnData: true, metric: { period: 300 } }], evaluationPeriods: 289 },
        ],
      ),
      crossField(
        ["datapointsToAlarm", "evaluationPeriods"],
        "datapointsToAlarm <= evaluationPeriods (M out of N)",
        apiReference(
          "cloudwatch",
          "PutMetricAlarmInput.DatapointsToAlarm",
          'This is used only if you are setting an "M out of N" alarm. In that case, this value is the M.',
        ),
        (i) =>
          typeof i.datapointsToAlarm === "number" &&
          typeof i.evaluationPeriods === "number" &&
          i.datapointsToAlarm > i.evaluationPeriods
            ? { path: "datapointsToAlarm", problem: `is above evaluationPeriods ${i.evaluationPeriods}` }
            : undefined,
        [{ period: 60, evaluationPeriods: 3, datapointsToAlarm: 5 }],
      ),
      crossField(
        ["statistic", "extendedStatistic"],
        "either statistic or extendedStatistic, not both",
        apiReference(
          "cloudwatch",
          "PutMetricAlarmInput.Statistic",
          "When you call PutMetricAlarm and specify a MetricName, you must specify either Statistic or ExtendedStatistic, but not both.",
        ),
        (i) =>
          i.metricName && (i.statistic === undefined) === (i.extendedStatistic === undefined)
            ? {
                path: "statistic",
                problem:
                  i.statistic === undefined
                    ? "and extendedStatistic are both missing"
                    : "is set with extendedStatistic",
              }
            : undefined,
        [
          {
            metricName: "CPUUtilization",
            namespace: "AWS/ECS",
            statistic: "Average",
            extendedStatistic: "p99",
          },
          { metricName: "CPUUtilization", namespace: "AWS/ECS" },
        ],
      ),
      crossField(
        ["metricQueries", "metricName", "namespace", "statistic", "period", "dimensions"],
        "metricQueries exclude namespace, metricName, dimensions, period, unit, statistic and extendedStatistic",
        apiReference(
          "cloudwatch",
          "PutMetricAlarmInput.Metrics",
          "If you use the Metrics parameter, you cannot include the Namespace, MetricName, Dimensions, Period, Unit, Statistic, or ExtendedStatistic parameters of PutMetricAlarm in the same operation.",
        ),
        (i) => {
          if (!Array.isArray(i.metricQueries) || i.metricQueries.length === 0) return undefined;
          const clash = [
            "namespace",
            "metricName",
            "dimensions",
            "period",
            "unit",
            "statistic",
            "extendedStatistic",
          ].find((k) => i[k] !== undefined);
          return clash ? { path: clash, problem: "is set with metricQueries" } : undefined;
        },
        [{ period: 60, metricQueries: [{ id: "e", expression: "m1*2", returnData: true }] }],
      ),
      crossField(
        ["metricQueries[].returnData"],
        "exactly one metric query returns data",
        apiReference(
          "cloudwatch",
          "MetricDataQuery.ReturnData",
          "When used in PutMetricAlarm, specify true for the one expression result to use as the alarm.",
        ),
        (i) => {
          if (!Array.isArray(i.metricQueries) || i.metricQueries.length === 0) return undefined;
          const n = (i.metricQueries as { returnData?: boolean }[]).filter(
            (q) => q.returnData === true,
          ).length;
          return n === 1
            ? undefined
            : { path: "metricQueries", problem: `has ${n} queries with returnData true` };
        },
        [
          {
            metricQueries: [
              { id: "a", expression: "m1", returnData: true },
              { id: "b", expression: "m2", returnData: true },
            ],
          },
          { metricQueries: [{ id: "a", expression: "m1" }] },
        ],
      ),
    ],
    tags: tagRules(),
  },
  "aws:cloudwatch/dashboard:Dashboard": {
    fields: {
      dashboardName: [
        pattern(
          /[A-Za-z0-9_-]{1,255}/,
          "1 to 255 of A-Z, a-z, 0-9, - and _",
          apiReference(
            "cloudwatch",
            "PutDashboardInput.DashboardName",
            'The maximum length is 255, and valid characters are A-Z, a-z, 0-9, "-", and "_".',
          ),
          ["api.dashboard", "api dashboard", "d".repeat(256)],
        ),
      ],
      dashboardBody: [
        jsonDocument(dashboardWidgets, dashboardBody("A DashboardBody is a string in JSON format.")),
      ],
    },
  },
};
