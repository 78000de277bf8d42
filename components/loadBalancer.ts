/**
 * LoadBalancer: one public Application Load Balancer that several services share. It owns the ALB, its security
 * group and the one path from it to the cluster's instances (albSecurityGroups.ts), the listeners and TLS
 * (listeners.ts) and, optionally, an access-log bucket (albAccessLogs.ts). Services bring their own target
 * groups and add listener rules to `listener`; a request that no rule matches gets a JSON 404 from the ALB.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createAlarms, loadBalancerAlarmSpecs } from "./alarms";
import { createAccessLogBucket } from "./albAccessLogs";
import { createAlbSecurityGroups } from "./albSecurityGroups";
import {
  type ArgValues,
  argName,
  boolean,
  checkArgs,
  integer,
  type Label,
  string,
  throwIfProblems,
  type ValueOf,
} from "./args";
import type { EcsClusterRef } from "./ecsCluster";
import { managedPolicyArn, PROGRAM_MANAGED_POLICIES, programRole } from "./iam";
import { createListeners, NO_ROUTE_RESPONSE, TLS_POLICY } from "./listeners";
import { logRetentionDays } from "./logRetention";
import type { NetworkRef } from "./network";
import { type CommonArgs, componentProvider } from "./provider";

/** LoadBalancer's arguments: each one's default, documentation and rule. */
export const LOAD_BALANCER_ARGS = {
  idleTimeout: integer(
    "Seconds the ALB keeps an idle connection; a service behind it must keep connections open longer.",
    60,
    // ELB API reference, LoadBalancerAttribute idle_timeout.timeout_seconds: 1-4000.
    { min: 1, max: 4000 },
  ),
  accessLogs: boolean("Write ALB access logs to a dedicated, locked-down bucket.", false),
  deletionProtection: boolean(
    "Protect the ALB from deletion and keep its log bucket on `pulumi destroy`.",
    false,
  ),
  certificateArn: string(
    "ACM certificate for HTTPS on 443; empty serves HTTP on 80 unless domainName is set.",
    "",
    {
      pattern: /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
      patternDoc: "an ACM certificate ARN",
    },
  ),
  domainName: string(
    "Public DNS name of the API; with hostedZoneId, gets a DNS-validated certificate and an alias.",
    "",
    {
      pattern: /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      patternDoc: "a lower-case DNS name such as api.example.com",
    },
  ),
  hostedZoneId: string("Public Route 53 hosted zone that holds domainName.", "", {
    pattern: /^Z[A-Z0-9]{1,31}$/,
    patternDoc: "a Route 53 hosted zone id such as Z0123456789ABC",
  }),
  logRetentionDays: { ...logRetentionDays, doc: "Days the access logs are kept." },
  testListenerPort: integer(
    "Port of the test listener, open to the VPC only, that sends test traffic to a new revision; 0 makes none.",
    0,
    {
      min: 0,
      max: 65535,
      check: (port) => ([80, 443].includes(port) ? ["is a production port; choose another"] : []),
    },
  ),
} as const;

/** The test listener's port when a stack has services that deploy blue-green, canary or linear. */
export const DEFAULT_TEST_LISTENER_PORT = 9000;

type Given = { [K in keyof typeof LOAD_BALANCER_ARGS]?: ValueOf<(typeof LOAD_BALANCER_ARGS)[K]> };

export interface LoadBalancerArgs extends CommonArgs, Given {
  /** The network: the ALB's group lives in its VPC, the ALB in its public subnets (two AZs at least). */
  network: Pick<NetworkRef, "vpcId" | "publicSubnetIds">;
  /** The cluster whose instances the ALB sends traffic to, on their dynamic host ports. */
  cluster: Pick<EcsClusterRef, "instanceSecurityGroupId">;
  /** Seconds the ALB keeps an idle connection (1-4000). Defaults to 60. */
  idleTimeout?: number;
  /** Write access logs to a dedicated, locked-down bucket. Defaults to false. */
  accessLogs?: boolean;
  /** ALB deletion protection; the access-log bucket is kept on destroy. Defaults to false. */
  deletionProtection?: boolean;
  /** ACM certificate for HTTPS on 443 (HTTP 80 then redirects). Defaults to "" (none). */
  certificateArn?: string;
  /** Public DNS name; with hostedZoneId gets a DNS-validated certificate and an alias. Defaults to "" (none). */
  domainName?: string;
  /** Public Route 53 zone holding domainName. Defaults to "" (none). */
  hostedZoneId?: string;
  /** Days access logs are kept. Defaults to 7. */
  logRetentionDays?: number;
  /** The SNS topic the ALB's own 5xx alarm notifies. Defaults to no alarm. */
  alarmTopicArn?: pulumi.Input<string>;
  /**
   * A test listener on this port, admitting only the VPC, and the role ECS shifts traffic with, for services
   * that deploy blue-green, canary or linear. Defaults to 0 (none).
   */
  testListenerPort?: number;
  /** The VPC's CIDR, the only source the test listener admits. Required with a test listener. */
  vpcCidrBlock?: pulumi.Input<string>;
  /** Permissions boundary of the ECS infrastructure role. Defaults to none. */
  permissionsBoundary?: pulumi.Input<string>;
}

/** How the ALB terminates TLS: not at all, with a given certificate, or with one issued here through ACM. */
export type TlsMode = "none" | "certificate" | "acm";

/** The arguments with defaults applied. */
export interface ResolvedLoadBalancerArgs extends ArgValues<typeof LOAD_BALANCER_ARGS> {
  tls: TlsMode;
}

/** Every problem with the arguments, each naming its argument through `label`. */
export function loadBalancerArgsProblems(
  args: Given & Partial<Pick<LoadBalancerArgs, "network" | "vpcCidrBlock">>,
  label: Label = argName,
): string[] {
  const { values: v, problems } = checkArgs(LOAD_BALANCER_ARGS, args, label);
  if (v.hostedZoneId && !v.domainName) {
    problems.push(
      `${label("hostedZoneId")} = "${v.hostedZoneId}" is set without ${label("domainName")}; set both or neither`,
    );
  }
  if (v.testListenerPort > 0 && args.vpcCidrBlock === undefined) {
    problems.push(
      `${label("testListenerPort")} = ${v.testListenerPort} needs vpcCidrBlock, the only source it admits`,
    );
  }
  if (v.domainName && !v.hostedZoneId && !v.certificateArn) {
    problems.push(
      `${label("domainName")} = "${v.domainName}" needs ${label("hostedZoneId")} (for a DNS-validated certificate) or ${label("certificateArn")}`,
    );
  }
  // Known only when given as a plain list (an Output is checked by AWS): an ALB needs two AZs' subnets.
  const subnets = args.network?.publicSubnetIds;
  if (Array.isArray(subnets) && subnets.length < 2) {
    problems.push(
      `network.publicSubnetIds has ${subnets.length}; an ALB needs subnets in at least two Availability Zones`,
    );
  }
  return problems;
}

/** Applies defaults; throws an ArgumentError listing every problem. */
export function resolveLoadBalancerArgs(args: LoadBalancerArgs): ResolvedLoadBalancerArgs {
  throwIfProblems("LoadBalancer", loadBalancerArgsProblems(args));
  const { values } = checkArgs(LOAD_BALANCER_ARGS, args);
  // A given certificate wins over issuing one; a domain with a zone alone gets an ACM certificate.
  const tls: TlsMode = values.certificateArn
    ? "certificate"
    : values.domainName && values.hostedZoneId
      ? "acm"
      : "none";
  return { ...values, tls };
}

/** What a service needs of a load balancer. A `LoadBalancer` is one. */
export interface LoadBalancerRef {
  /** The VPC of the ALB, where a service's target groups go. */
  readonly vpcId: pulumi.Input<string>;
  /** The production listener: services add their rules to it. */
  readonly listener: aws.lb.Listener;
  /** The ALB's ARN suffix (`app/<name>/<id>`), its CloudWatch dimension. */
  readonly arnSuffix: pulumi.Input<string>;
  /** Seconds the ALB keeps an idle connection: a service must keep its connections open longer. */
  readonly idleTimeout: number;
  /** What a service must wait for before it starts: the listeners and the path to the instances. */
  readonly ready: pulumi.Resource[];
  /** The test listener, for services deploying blue-green, canary or linear; undefined without one. */
  readonly testListener: aws.lb.Listener | undefined;
  /** The test listener's port, 0 without one. */
  readonly testListenerPort: number;
  /** Whether the listeners, the test listener included, serve HTTPS. */
  readonly https: boolean;
  /** The role ECS shifts a managed deployment's traffic with; undefined without a test listener. */
  readonly infrastructureRoleArn: pulumi.Output<string> | undefined;
}

/** A public ALB for the cluster's services: security group, listeners, TLS and access logs. */
export class LoadBalancer extends pulumi.ComponentResource implements LoadBalancerRef {
  /** The Application Load Balancer. */
  readonly loadBalancer: aws.lb.LoadBalancer;
  /** Its security group: HTTP(S) in from anywhere, the instances' dynamic ports out. */
  readonly securityGroup: aws.ec2.SecurityGroup;
  /** The production listener (HTTPS with TLS, else HTTP): services add their rules here. */
  readonly listener: aws.lb.Listener;
  /** Every listener, the HTTP redirect included. */
  readonly listeners: aws.lb.Listener[];
  /** The access-log bucket; undefined without `accessLogs`. */
  readonly accessLogBucket: aws.s3.Bucket | undefined;
  /** The VPC of the ALB. */
  readonly vpcId: pulumi.Input<string>;
  /** Where clients reach the services: `https://<domain or ALB DNS name>` with TLS, else `http://<ALB DNS name>`. */
  readonly url: pulumi.Output<string>;
  /** The ALB's DNS name. */
  readonly dnsName: pulumi.Output<string>;
  /** The ALB's ARN suffix. */
  readonly arnSuffix: pulumi.Output<string>;
  /** Seconds the ALB keeps an idle connection. */
  readonly idleTimeout: number;
  /** Whether the production listener serves HTTPS. */
  readonly https: boolean;
  /** The listeners and the security group rules a service waits for. */
  readonly ready: pulumi.Resource[];
  /** The ALB's own alarms (its 5xx answers); empty without a topic. */
  readonly alarms: aws.cloudwatch.MetricAlarm[];
  /** The test listener: HTTP, from the VPC only, routing test traffic to new revisions; undefined without one. */
  readonly testListener: aws.lb.Listener | undefined;
  /** Its port, 0 without one. */
  readonly testListenerPort: number;
  /** The role ECS assumes to shift traffic between a service's target groups; undefined without a test listener. */
  readonly infrastructureRoleArn: pulumi.Output<string> | undefined;

  constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-json-api:service:LoadBalancer", name, {}, opts);
    const r = resolveLoadBalancerArgs(args);
    const provider = componentProvider(this, name, "LoadBalancer", args, opts);
    const o = { parent: this, provider };

    const { albSecurityGroup, rules } = createAlbSecurityGroups(
      name,
      {
        vpcId: args.network.vpcId,
        instanceSecurityGroupId: args.cluster.instanceSecurityGroupId,
        https: r.tls !== "none",
      },
      o,
    );
    const accessLogs = r.accessLogs
      ? createAccessLogBucket(
          name,
          {
            accountId: aws.getCallerIdentityOutput({}, o).accountId,
            expirationDays: r.logRetentionDays,
            deletionProtection: r.deletionProtection,
          },
          o,
        )
      : undefined;
    const alb = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        loadBalancerType: "application",
        internal: false,
        subnets: args.network.publicSubnetIds,
        securityGroups: [albSecurityGroup.id],
        ipAddressType: "ipv4",
        idleTimeout: r.idleTimeout,
        // Requests with header names that are not valid HTTP tokens never reach a service.
        dropInvalidHeaderFields: true,
        // Only RFC 7230-compliant requests pass: the clients are HTTP libraries, and ambiguous framing is how
        // request smuggling starts.
        desyncMitigationMode: "strictest",
        enableDeletionProtection: r.deletionProtection,
        accessLogs: accessLogs ? { bucket: accessLogs.bucket.bucket, enabled: true } : undefined,
      },
      { ...o, dependsOn: accessLogs?.ready ?? [] },
    );
    const listeners = createListeners(
      name,
      {
        alb,
        certificateArn: r.certificateArn || undefined,
        domainName: r.domainName || undefined,
        hostedZoneId: r.hostedZoneId || undefined,
      },
      o,
    );

    if (r.testListenerPort > 0) {
      // Test traffic comes only from inside the VPC: the deployment hook, connecting to the ALB's private
      // addresses. The internet reaches the production listener only.
      const testRule = new aws.vpc.SecurityGroupIngressRule(
        `${name}-alb-in-test`,
        {
          securityGroupId: albSecurityGroup.id,
          ipProtocol: "tcp",
          fromPort: r.testListenerPort,
          toPort: r.testListenerPort,
          cidrIpv4: args.vpcCidrBlock,
          description: "Test traffic to new revisions, from inside the VPC only",
        },
        o,
      );
      // With TLS in production, test traffic is encrypted too, with the same certificate and policy.
      this.testListener = new aws.lb.Listener(
        `${name}-test`,
        {
          loadBalancerArn: alb.arn,
          port: r.testListenerPort,
          ...(listeners.https
            ? { protocol: "HTTPS", sslPolicy: TLS_POLICY, certificateArn: listeners.certificateArn }
            : { protocol: "HTTP" }),
          defaultActions: [{ type: "fixed-response", fixedResponse: { ...NO_ROUTE_RESPONSE } }],
        },
        { ...o, dependsOn: [testRule] },
      );
      const accountId = aws.getCallerIdentityOutput({}, o).accountId;
      const partition = aws.getPartitionOutput({}, o).partition;
      const role = programRole(
        `${name}-ecs-infrastructure-role`,
        {
          description:
            "Lets ECS shift traffic between the target groups of blue-green, canary and linear deployments",
          service: "ecs.amazonaws.com",
          accountId,
          permissionsBoundary: args.permissionsBoundary,
        },
        o,
      );
      const attachment = new aws.iam.RolePolicyAttachment(
        `${name}-ecs-infrastructure-policy`,
        {
          role: role.name,
          // AWS managed policy for ECS traffic shifts (ECS developer guide); no service-role/ path.
          policyArn: partition.apply((p) => managedPolicyArn(p, PROGRAM_MANAGED_POLICIES.ecsLoadBalancers)),
        },
        o,
      );
      // A service names the role only once it may act: ECS checks it when the service is created.
      this.infrastructureRoleArn = pulumi.all([role.arn, attachment.id]).apply(([arn]) => arn);
      rules.push(testRule);
    } else {
      this.testListener = undefined;
      this.infrastructureRoleArn = undefined;
    }
    this.testListenerPort = r.testListenerPort;

    this.alarms = args.alarmTopicArn
      ? createAlarms(name, loadBalancerAlarmSpecs(alb.arnSuffix), args.alarmTopicArn, o)
      : [];
    this.loadBalancer = alb;
    this.securityGroup = albSecurityGroup;
    this.listener = listeners.production;
    this.listeners = listeners.all;
    this.accessLogBucket = accessLogs?.bucket;
    this.vpcId = args.network.vpcId;
    this.dnsName = alb.dnsName;
    this.arnSuffix = alb.arnSuffix;
    this.idleTimeout = r.idleTimeout;
    this.https = listeners.https;
    const host = listeners.https && r.domainName ? pulumi.output(r.domainName) : alb.dnsName;
    this.url = pulumi.interpolate`${listeners.https ? "https" : "http"}://${host}`;
    this.ready = [...listeners.all, ...(this.testListener ? [this.testListener] : []), ...rules];
    this.registerOutputs({
      url: this.url,
      dnsName: this.dnsName,
      arnSuffix: this.arnSuffix,
      idleTimeout: this.idleTimeout,
      https: this.https,
    });
  }
}
