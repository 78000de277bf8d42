/** Elastic Load Balancing v2: the load balancer and target groups. (Listeners and rules: listeners.ts.) */
import { autoName, defaultAutoName, PULUMI_AWS } from "../autoname";
import { apiReference, botocore } from "../botocore";
import type { Rule, TypeConstraints } from "../model";
import { crossField, custom, length, notPrefixed, oneOf, pattern, range } from "../rules";
import { botocoreTag, NO_CONSTRAINT, tagRules } from "./common";
import { doc } from "./docs";

export const ELB_TAGS = tagRules(botocoreTag("elbv2", "Tag.Key", "Tag.Value"));

/** The name rules both ELB names share (32 characters, alphanumerics and hyphens, no hyphen at either end). */
function elbName(member: string, quote: string): Rule[] {
  const source = apiReference("elbv2", member, quote);
  return [
    length(1, 32, source),
    pattern(
      /[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/,
      "alphanumerics and hyphens, not starting or ending with a hyphen",
      source,
      ["-api", "api-", "api_tg", "api.tg"],
    ),
  ];
}

const lbAttribute = (quote: string) => apiReference("elbv2", "LoadBalancerAttribute.Key", quote);
const tgAttribute = (quote: string) => apiReference("elbv2", "TargetGroupAttribute.Key", quote);

export const PORT_OR_PLACEHOLDER = (placeholder: string, quote: string, member: string) =>
  custom(
    `1 to 65535 or ${placeholder}`,
    apiReference("elbv2", member, quote),
    (v) => {
      if (v === placeholder) return undefined;
      const n = Number(v);
      return Number.isInteger(n) && n >= 1 && n <= 65535 ? undefined : `is not 1-65535 or ${placeholder}`;
    },
    ["0", "65536", "port", "443.5"],
  );

const healthCheckSource = {
  kind: "documentation" as const,
  ref: "https://github.com/zalando-incubator/kube-ingress-aws-controller/pull/392",
  url: "https://github.com/zalando-incubator/kube-ingress-aws-controller/pull/392",
  title:
    "the ELBv2 API's own refusal, as reported (AWS's CDK added the same check in aws-cdk pull request 29075)",
  quote:
    "Health check interval must be greater than the timeout. (Service: AmazonElasticLoadBalancing; Status Code: 400; Error Code: ValidationError",
};

export const LB: Record<string, TypeConstraints> = {
  "aws:lb/loadBalancer:LoadBalancer": {
    // pulumi-aws gives aws_lb no setting of its own (aliases.go: addLegacyAlias("aws_lb", ..., nil)), so the
    // default applies: up to 255 characters, while ELBv2 allows 32. A logical name over 24 characters yields a
    // name AWS refuses.
    autoName: defaultAutoName(),
    fields: {
      name: [
        ...elbName(
          "CreateLoadBalancerInput.Name",
          'This name must be unique per region per account, can have a maximum of 32 characters, must contain only alphanumeric characters or hyphens, must not begin or end with a hyphen, and must not begin with "internal-".',
        ),
        notPrefixed(
          ["internal-"],
          apiReference("elbv2", "CreateLoadBalancerInput.Name", 'must not begin with "internal-".'),
        ),
      ],
      loadBalancerType: [botocore("elbv2", "CreateLoadBalancerInput.Type")],
      ipAddressType: [botocore("elbv2", "CreateLoadBalancerInput.IpAddressType")],
      idleTimeout: [
        range(
          1,
          4000,
          lbAttribute(
            "idle_timeout.timeout_seconds - The idle timeout value, in seconds. The valid range is 1-4000 seconds.",
          ),
          {
            integer: true,
          },
        ),
      ],
      desyncMitigationMode: [
        oneOf(
          ["monitor", "defensive", "strictest"],
          lbAttribute(
            "routing.http.desync_mitigation_mode - Determines how the load balancer handles requests that might pose a security risk to your application. The possible values are monitor, defensive, and strictest.",
          ),
        ),
      ],
      clientKeepAlive: [
        range(
          60,
          604800,
          lbAttribute(
            "client_keep_alive.seconds - The client keep alive value, in seconds. The valid range is 60-604800 seconds.",
          ),
          {
            integer: true,
          },
        ),
      ],
      "accessLogs.bucket": [
        pattern(
          /[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/,
          "an S3 bucket name",
          lbAttribute("access_logs.s3.bucket - The name of the S3 bucket for the access logs."),
          ["Logs", "lb", "s3://alb-logs"],
        ),
      ],
      "accessLogs.prefix": [
        custom(
          'no "AWSLogs" in the prefix',
          doc(
            "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
            "Enable access logs for your Application Load Balancer",
            "The prefix can't include the string AWSLogs.",
          ),
          (v) => (String(v).includes("AWSLogs") ? "includes AWSLogs" : undefined),
          ["alb/AWSLogs"],
        ),
      ],
    },
    unconstrained: {
      internal: NO_CONSTRAINT.boolean,
      dropInvalidHeaderFields: NO_CONSTRAINT.boolean,
      enableDeletionProtection: NO_CONSTRAINT.boolean,
      enableHttp2: NO_CONSTRAINT.boolean,
      "accessLogs.enabled": NO_CONSTRAINT.boolean,
      "securityGroups[]": NO_CONSTRAINT.reference,
      "subnets[]": NO_CONSTRAINT.reference,
    },
    resource: [
      crossField(
        ["subnets", "loadBalancerType"],
        "an Application Load Balancer in subnets of at least two Availability Zones",
        apiReference(
          "elbv2",
          "CreateLoadBalancerInput.Subnets",
          "[Application Load Balancers] You must specify subnets from at least two Availability Zones.",
        ),
        (i) =>
          (i.loadBalancerType ?? "application") === "application" &&
          Array.isArray(i.subnets) &&
          i.subnets.length < 2
            ? { path: "subnets", problem: `names ${i.subnets.length} subnet(s)` }
            : undefined,
        [{ loadBalancerType: "application", subnets: ["subnet-0123456789abcdef0"] }],
      ),
    ],
    tags: ELB_TAGS,
  },
  "aws:lb/targetGroup:TargetGroup": {
    autoName: autoName(
      "name",
      32,
      'addLegacyAlias("aws_lb_target_group", ... "name": tfbridge.AutoName("name", 32, "-")',
      {},
      PULUMI_AWS.aliases,
    ),
    fields: {
      name: elbName(
        "CreateTargetGroupInput.Name",
        "This name must be unique per region per account, can have a maximum of 32 characters, must contain only alphanumeric characters or hyphens, and must not begin or end with a hyphen.",
      ),
      port: [botocore("elbv2", "CreateTargetGroupInput.Port")],
      protocol: [botocore("elbv2", "CreateTargetGroupInput.Protocol")],
      protocolVersion: [
        oneOf(
          ["HTTP1", "HTTP2", "GRPC"],
          apiReference(
            "elbv2",
            "CreateTargetGroupInput.ProtocolVersion",
            "Specify GRPC to send requests to targets using gRPC.",
          ),
        ),
      ],
      targetType: [botocore("elbv2", "CreateTargetGroupInput.TargetType")],
      ipAddressType: [botocore("elbv2", "CreateTargetGroupInput.IpAddressType")],
      deregistrationDelay: [
        range(
          0,
          3600,
          tgAttribute(
            "deregistration_delay.timeout_seconds - The amount of time, in seconds, for Elastic Load Balancing to wait before changing the state of a deregistering target from draining to unused. The range is 0-3600 seconds.",
          ),
          {
            integer: true,
          },
        ),
      ],
      slowStart: [
        custom(
          "0, or 30 to 900 seconds",
          tgAttribute(
            "slow_start.duration_seconds - The time period, in seconds, during which a newly registered target receives an increasing share of the traffic to the target group. After this time period ends, the target receives its full share of traffic. The range is 30-900 seconds (15 minutes).",
          ),
          (v) =>
            Number(v) === 0 || (Number(v) >= 30 && Number(v) <= 900) ? undefined : "is not 0 or 30-900",
          [10, 901],
        ),
      ],
      "healthCheck.interval": [botocore("elbv2", "CreateTargetGroupInput.HealthCheckIntervalSeconds")],
      "healthCheck.timeout": [botocore("elbv2", "CreateTargetGroupInput.HealthCheckTimeoutSeconds")],
      "healthCheck.healthyThreshold": [botocore("elbv2", "CreateTargetGroupInput.HealthyThresholdCount")],
      "healthCheck.unhealthyThreshold": [botocore("elbv2", "CreateTargetGroupInput.UnhealthyThresholdCount")],
      "healthCheck.path": [
        botocore("elbv2", "CreateTargetGroupInput.HealthCheckPath"),
        pattern(
          /\/.*/,
          "starting with /",
          apiReference(
            "elbv2",
            "CreateTargetGroupInput.HealthCheckPath",
            "[HTTP1 or HTTP2 protocol version] The ping path. The default is /.",
          ),
          ["healthz", "api/health"],
        ),
      ],
      "healthCheck.protocol": [botocore("elbv2", "CreateTargetGroupInput.HealthCheckProtocol")],
      "healthCheck.port": [
        PORT_OR_PLACEHOLDER(
          "traffic-port",
          "If the protocol is HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, QUIC, or TCP_QUIC the default is traffic-port, which is the port on which each target receives traffic from the load balancer.",
          "CreateTargetGroupInput.HealthCheckPort",
        ),
      ],
      "healthCheck.matcher": [
        custom(
          "HTTP codes 200-499: a code, a list (200,202) or a range (200-299)",
          apiReference(
            "elbv2",
            "Matcher.HttpCode",
            'For Application Load Balancers, you can specify values between 200 and 499, with the default value being 200. You can specify multiple values (for example, "200,202") or a range of values (for example, "200-299").',
          ),
          (v) => {
            const s = String(v);
            if (!/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(s)) return "is not a code, list or range";
            const codes = s.split(/[,-]/).map(Number);
            return codes.every((c) => c >= 200 && c <= 499) ? undefined : "has a code outside 200-499";
          },
          ["500", "200-599", "2xx", "200, 202"],
        ),
      ],
    },
    unconstrained: {
      vpcId: NO_CONSTRAINT.reference,
      "healthCheck.enabled": NO_CONSTRAINT.boolean,
    },
    resource: [
      crossField(
        ["healthCheck.interval", "healthCheck.timeout"],
        "healthCheck.interval greater than healthCheck.timeout",
        healthCheckSource,
        (i) => {
          const hc = (i.healthCheck ?? {}) as { interval?: number; timeout?: number };
          return typeof hc.interval === "number" &&
            typeof hc.timeout === "number" &&
            hc.interval <= hc.timeout
            ? { path: "healthCheck.timeout", problem: `is not below the interval ${hc.interval}` }
            : undefined;
        },
        [{ healthCheck: { interval: 5, timeout: 5 } }, { healthCheck: { interval: 10, timeout: 30 } }],
      ),
    ],
    tags: ELB_TAGS,
  },
};
