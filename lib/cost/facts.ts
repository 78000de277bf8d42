/**
 * How AWS meters what the estimators count: billing conventions, the load balancer's capacity unit, what
 * Container Insights publishes, the size of the records AWS writes on our behalf. Not prices (those are in
 * prices.ts) but, like them, read from AWS's documentation and cited here, never guessed.
 */

/** Hours in a billing month, as AWS's pricing examples count them. */
export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
/** Bytes in the GB AWS bills data by (data transfer, logs, LCUs): 2^30. */
export const GB = 2 ** 30;

/**
 * One Application Load Balancer capacity unit, for EC2 targets: an hour is billed at the highest of these
 * dimensions. https://aws.amazon.com/elasticloadbalancing/pricing/ (LCU details).
 */
export const LCU = {
  newConnectionsPerSecond: 25,
  activeConnectionsPerMinute: 3000,
  processedGbPerHour: 1,
  ruleEvaluationsPerSecond: 1000,
  /** Rules evaluated per request that are not counted. */
  freeRules: 10,
} as const;

/**
 * Metrics Container Insights publishes for an ECS cluster, per dimension set (ECS/ContainerInsights namespace;
 * instance-level metrics need the CloudWatch agent, which this program does not run). Counted from the table of
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html, as kept in
 * github.com/awsdocs/amazon-cloudwatch-user-guide@20a560c doc_source/Container-Insights-metrics-ECS.md. They are
 * billed as custom metrics.
 */
export const CONTAINER_INSIGHTS_METRICS = {
  /** ContainerInstanceCount, CpuUtilized, CpuReserved, MemoryUtilized, MemoryReserved, NetworkRxBytes,
   * NetworkTxBytes, ServiceCount, StorageReadBytes, StorageWriteBytes, TaskCount. */
  perCluster: 11,
  /** The cluster's eight utilisation metrics, plus DeploymentCount, DesiredTaskCount, PendingTaskCount,
   * RunningTaskCount, TaskSetCount. */
  perService: 13,
  /** CpuUtilized, CpuReserved, MemoryUtilized, MemoryReserved, NetworkRxBytes, NetworkTxBytes, StorageReadBytes,
   * StorageWriteBytes. */
  perTaskDefinitionFamily: 8,
} as const;

/**
 * Bytes of the performance log events Container Insights ingests once a minute into
 * /aws/ecs/containerinsights/<cluster>/performance: the compact JSON length of the examples in
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-reference-performance-logs-ECS.html
 * (github.com/awsdocs/amazon-cloudwatch-user-guide@20a560c). Ingested as standard logs.
 */
export const CONTAINER_INSIGHTS_EVENT_BYTES = {
  perTask: 1303,
  perContainer: 645,
  perService: 541,
  perCluster: 371,
} as const;

/**
 * Alarms a target tracking policy creates and CloudWatch bills like any other (one to scale out, one to scale
 * in): https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html.
 * ECS managed scaling is a target tracking policy on the Auto Scaling group, with the same two alarms.
 */
export const TARGET_TRACKING_ALARMS = 2;

/** The default-format flow log record in https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html. */
export const FLOW_LOG_RECORD_EXAMPLE =
  "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK";

/** The HTTP entry in https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html. */
export const ALB_ACCESS_LOG_EXAMPLE =
  'http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 2018-07-02T22:22:48.364000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90';

/** A load balancer node writes one access log file every 5 minutes (same page). */
export const ALB_LOG_FILES_PER_NODE_HOUR = 12;

/** The first record in https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html. */
export const S3_ACCESS_LOG_EXAMPLE =
  '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /awsexamplebucket1?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV2 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader awsexamplebucket1.s3.us-west-1.amazonaws.com TLSV1.1';

/** Bytes of one line, newline included. */
export const lineBytes = (line: string) => Buffer.byteLength(line) + 1;
