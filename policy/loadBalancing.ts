/**
 * The Application Load Balancer, its listeners and target groups. `aws.lb.*` and its alias `aws.alb.*` register
 * under different type tokens, so every policy here accepts both.
 */
import * as aws from "@pulumi/aws";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
  asArray,
  controls,
  isProdUrn,
  PROD_STACKS_CONFIG,
  referenced,
  resourcesOf,
  validateResourceOfTypes,
} from "./common";

const LOAD_BALANCERS = [aws.lb.LoadBalancer, aws.alb.LoadBalancer];
const LISTENERS = [aws.lb.Listener, aws.alb.Listener];
const TARGET_GROUPS = [aws.lb.TargetGroup, aws.alb.TargetGroup];

/**
 * TLS policies Security Hub's ELB.17 accepts (its `sslPolicies` parameter, not customisable). Notably absent:
 * `ELBSecurityPolicy-TLS13-1-2-2021-06`, the console's default, which still allows CBC ciphers on TLS 1.2.
 */
export const RECOMMENDED_TLS_POLICIES = [
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
];

type LoadBalancerProps = aws.lb.LoadBalancerArgs;
type ListenerProps = aws.lb.ListenerArgs & { defaultActions: any[] };
type TargetGroupProps = aws.lb.TargetGroupArgs & { healthCheck?: Record<string, any> };

/** Skips Network and Gateway Load Balancers: these rules are about HTTP. */
function applicationOnly(props: LoadBalancerProps, notApplicable: (reason: string) => never): void {
  const type = props.loadBalancerType ?? "application";
  if (type !== "application") notApplicable(`a ${type} load balancer is not an Application Load Balancer`);
}

export const dropInvalidHeaders: ResourceValidationPolicy = {
  name: "alb-drop-invalid-headers",
  description: "Application Load Balancers drop HTTP headers with invalid names instead of passing them on.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("ELB.4", "CKV_AWS_131"),
  validateResource: validateResourceOfTypes<LoadBalancerProps>(LOAD_BALANCERS, (lb, args, report) => {
    applicationOnly(lb, args.notApplicable);
    if (lb.dropInvalidHeaderFields !== true) report("dropInvalidHeaderFields is not true");
  }),
};

export const desyncMitigation: ResourceValidationPolicy = {
  name: "alb-desync-mitigation",
  description:
    "Application Load Balancers use the defensive (AWS's default) or strictest HTTP desync mitigation mode.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("ELB.12", "CKV_AWS_328"),
  validateResource: validateResourceOfTypes<LoadBalancerProps>(LOAD_BALANCERS, (lb, args, report) => {
    applicationOnly(lb, args.notApplicable);
    const mode = lb.desyncMitigationMode ?? "defensive";
    if (mode !== "defensive" && mode !== "strictest") {
      report(`desyncMitigationMode is "${mode}"; use "defensive" or "strictest"`);
    }
  }),
};

export const deletionProtectionInProd: ResourceValidationPolicy = {
  name: "alb-deletion-protection-prod",
  description: "In production stacks, Application Load Balancers have deletion protection on.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("ELB.6", "CKV_AWS_150"),
  configSchema: PROD_STACKS_CONFIG,
  validateResource: validateResourceOfTypes<LoadBalancerProps>(LOAD_BALANCERS, (lb, args, report) => {
    applicationOnly(lb, args.notApplicable);
    const { prodStacks } = args.getConfig<{ prodStacks?: string[] }>();
    if (!isProdUrn(args.urn, prodStacks)) args.notApplicable("not a production stack");
    if (lb.enableDeletionProtection !== true)
      report("enableDeletionProtection is not true in a production stack");
  }),
};

export const accessLogsInProd: ResourceValidationPolicy = {
  name: "alb-access-logs-prod",
  description: "In production stacks, Application Load Balancers write access logs to an S3 bucket.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("ELB.5", "CKV_AWS_91"),
  configSchema: PROD_STACKS_CONFIG,
  validateResource: validateResourceOfTypes<LoadBalancerProps>(LOAD_BALANCERS, (lb, args, report) => {
    applicationOnly(lb, args.notApplicable);
    const { prodStacks } = args.getConfig<{ prodStacks?: string[] }>();
    if (!isProdUrn(args.urn, prodStacks)) args.notApplicable("not a production stack");
    const logs = lb.accessLogs as { enabled?: boolean; bucket?: string } | undefined;
    if (logs?.enabled !== true || !logs.bucket) {
      report("accessLogs are not enabled with a bucket in a production stack");
    }
  }),
};

export const listenerTlsPolicy: ResourceValidationPolicy = {
  name: "alb-listener-tls-policy",
  description: "HTTPS listeners name one of the TLS 1.3 security policies Security Hub recommends.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("ELB.17", "CKV_AWS_103"),
  validateResource: validateResourceOfTypes<ListenerProps>(LISTENERS, (listener, args, report) => {
    if (listener.protocol !== "HTTPS") args.notApplicable("not an HTTPS listener");
    const policy = listener.sslPolicy as string | undefined;
    if (!policy) report("sslPolicy is not set; the default (ELBSecurityPolicy-2016-08) still allows TLS 1.0");
    else if (!RECOMMENDED_TLS_POLICIES.includes(policy)) {
      report(`sslPolicy "${policy}" is not one of ${RECOMMENDED_TLS_POLICIES.join(", ")}`);
    }
  }),
};

/** True when the listener's default action is a redirect to HTTPS. */
function redirectsToHttps(listener: { props: Record<string, any> }): boolean {
  return asArray(listener.props.defaultActions as Record<string, any>[]).some(
    (a) => a.type === "redirect" && a.redirect?.protocol === "HTTPS",
  );
}

export const httpRedirectsToHttps: StackValidationPolicy = {
  name: "alb-http-redirects-to-https",
  description:
    "Once a load balancer has a certificate (an HTTPS listener, or an ACM certificate in the stack), every HTTP " +
    "listener on it redirects to HTTPS instead of serving plain HTTP.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("ELB.1", "CKV_AWS_2"),
  validateStack: (args, report) => {
    const listeners = resourcesOf(args, ...LISTENERS);
    const certificateInStack = resourcesOf(args, aws.acm.Certificate).length > 0;
    for (const lb of resourcesOf(args, ...LOAD_BALANCERS)) {
      const own = listeners.filter((l) => referenced(l, "loadBalancerArn", [lb]).length > 0);
      const https = own.some((l) => l.props.protocol === "HTTPS");
      if (!https && !certificateInStack) continue;
      if (!https)
        report(`${lb.name}: an ACM certificate exists but the load balancer has no HTTPS listener`, lb.urn);
      for (const l of own.filter((l) => (l.props.protocol ?? "HTTP") === "HTTP" && !redirectsToHttps(l))) {
        report(
          `${l.name}: HTTP listener serves plain HTTP; its default action must redirect to HTTPS`,
          l.urn,
        );
      }
    }
  },
};

export const targetGroupHealthCheck: ResourceValidationPolicy = {
  name: "target-group-health-check",
  description: "Target groups define an enabled HTTP health check with an explicit path.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("CKV_AWS_261"),
  validateResource: validateResourceOfTypes<TargetGroupProps>(TARGET_GROUPS, (tg, _args, report) => {
    const hc = tg.healthCheck;
    if (!hc) report("no healthCheck block: the defaults probe / on the traffic port");
    else if (hc.enabled === false) report("healthCheck is disabled");
    else if (!hc.path) report("healthCheck.path is not set");
  }),
};

export const targetGroupDeregistrationDelay: ResourceValidationPolicy = {
  name: "target-group-deregistration-delay",
  description:
    "Target groups set deregistrationDelay explicitly, matched to the service's shutdown, instead of the " +
    "300-second default that slows every deploy.",
  enforcementLevel: "mandatory",
  severity: "low",
  // No control covers ALB target groups; ELB.7 asks the same of Classic Load Balancers (connection draining).
  tags: ["related:securityhub:ELB.7"],
  validateResource: validateResourceOfTypes<TargetGroupProps>(TARGET_GROUPS, (tg, _args, report) => {
    if (tg.deregistrationDelay === undefined || tg.deregistrationDelay === null) {
      report("deregistrationDelay is not set");
    }
  }),
};

export const loadBalancingPolicies = [
  dropInvalidHeaders,
  desyncMitigation,
  deletionProtectionInProd,
  accessLogsInProd,
  listenerTlsPolicy,
  httpRedirectsToHttps,
  targetGroupHealthCheck,
  targetGroupDeregistrationDelay,
];
