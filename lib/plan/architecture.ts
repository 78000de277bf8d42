/**
 * The architecture a stack's resources describe: network shape, load balancer, service, instances, storage and
 * monitoring, read from the resources themselves (what exists, with which settings) rather than from config.
 * Pure: resources in, model out, so it works on any graph, including a small synthetic one in the tests.
 */

/** The part of a recorded resource the plan reads. */
export interface PlanResource {
  type: string;
  name: string;
  custom: boolean;
  parent?: { type: string; name: string };
  // biome-ignore lint/suspicious/noExplicitAny: resource properties are untyped JSON.
  inputs: Record<string, any>;
  // biome-ignore lint/suspicious/noExplicitAny: resource properties are untyped JSON.
  state: Record<string, any>;
}

export interface Architecture {
  vpc?: { cidr?: string; azs: number; publicSubnets: number; privateSubnets: number; natGateways: number };
  /** Services reached through gateway endpoints (`s3`). */
  gatewayEndpoints: string[];
  /** Services reached through interface endpoints (`ecr.api`, `logs`, ...). */
  interfaceEndpoints: string[];
  loadBalancers: {
    name: string;
    internal: boolean;
    /** e.g. `HTTP :80 → forward`. */
    listeners: string[];
    /** The listener ports its security groups open to the internet (others are reachable from the VPC only). */
    internetPorts: number[];
    deletionProtection: boolean;
    /** The bucket access logs go to, when enabled. */
    accessLogsBucket?: string;
  }[];
  /** `port` is undefined for instance targets: ECS registers each task at its own (dynamic) host port. */
  targetGroups: { name: string; protocol: string; port?: number; healthPath?: string }[];
  /** Listener rules in priority order: which requests go to which target group. */
  routes: {
    priority: number;
    match: string;
    listener?: string;
    loadBalancer?: string;
    targetGroup?: string;
  }[];
  services: {
    name: string;
    desired?: number;
    min?: number;
    max?: number;
    networkMode: string;
    /** The Auto Scaling group its capacity provider scales, when known. */
    asg?: string;
    /** The target groups it registers its tasks in. */
    targetGroups: string[];
    /** The buckets its task role may read. */
    reads: string[];
    /** The ECR repositories its image comes from. */
    images: string[];
    /** How a release replaces the running revision, e.g. `canary 10% · 5 min, bake 10 min`. */
    deployment: string;
  }[];
  autoScalingGroups: { name: string; min: number; max: number; instanceType?: string; spot: boolean }[];
  capacityProviders: { name: string; targetCapacity?: number }[];
  buckets: { name: string; accessLogs: boolean }[];
  /** ECR repositories: the stack's own, and the shared ones its images come from (`<name> (shared)`). */
  repositories: string[];
  logGroups: { name: string; retentionDays?: number }[];
  alarms: number;
  topics: number;
}

const ofType = (resources: PlanResource[], ...types: string[]) =>
  resources.filter((r) => types.includes(r.type));

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/** True when `value` mentions one of `target`'s outputs (its ARN, name, id...). */
function mentions(value: unknown, target: PlanResource): boolean {
  const ids = ["arn", "name", "id", "bucket", "arnSuffix"]
    .map((k) => target.state[k])
    .filter((v): v is string => typeof v === "string" && v.length >= 6);
  return strings(value).some((s) => ids.some((id) => s === id || s.includes(id)));
}

function vpcOf(resources: PlanResource[]): Architecture["vpc"] {
  const awsx = ofType(resources, "awsx:ec2:Vpc")[0];
  if (awsx) {
    const azs = awsx.inputs.numberOfAvailabilityZones ?? awsx.inputs.availabilityZoneNames?.length ?? 3;
    const strategy = awsx.inputs.natGateways?.strategy ?? "OnePerAz";
    const natGateways = strategy === "None" ? 0 : strategy === "Single" ? 1 : azs;
    return {
      cidr: awsx.inputs.cidrBlock,
      azs,
      publicSubnets: awsx.state.publicSubnetIds?.length ?? azs,
      privateSubnets: awsx.state.privateSubnetIds?.length ?? azs,
      natGateways,
    };
  }
  const vpc = ofType(resources, "aws:ec2/vpc:Vpc")[0];
  if (!vpc) return undefined;
  const subnets = ofType(resources, "aws:ec2/subnet:Subnet");
  const isPublic = (s: PlanResource) => s.inputs.mapPublicIpOnLaunch === true;
  const azs = new Set(subnets.map((s) => s.inputs.availabilityZone ?? s.inputs.availabilityZoneId)).size;
  return {
    cidr: vpc.inputs.cidrBlock,
    azs,
    publicSubnets: subnets.filter(isPublic).length,
    privateSubnets: subnets.filter((s) => !isPublic(s)).length,
    natGateways: ofType(resources, "aws:ec2/natGateway:NatGateway").length,
  };
}

/** `com.amazonaws.eu-west-1.ecr.api` → `ecr.api`. */
const endpointService = (serviceName: string) => serviceName.replace(/^com\.amazonaws\.[a-z0-9-]+\./, "");

function endpointsOf(
  resources: PlanResource[],
): Pick<Architecture, "gatewayEndpoints" | "interfaceEndpoints"> {
  const gateway = new Set<string>();
  const iface = new Set<string>();
  for (const vpc of ofType(resources, "awsx:ec2:Vpc")) {
    for (const spec of vpc.inputs.vpcEndpointSpecs ?? []) {
      (spec.vpcEndpointType === "Gateway" ? gateway : iface).add(endpointService(spec.serviceName));
    }
  }
  for (const ep of ofType(resources, "aws:ec2/vpcEndpoint:VpcEndpoint")) {
    (ep.inputs.vpcEndpointType === "Gateway" ? gateway : iface).add(endpointService(ep.inputs.serviceName));
  }
  return { gatewayEndpoints: [...gateway].sort(), interfaceEndpoints: [...iface].sort() };
}

function listenerLabel(l: PlanResource): string {
  const action = (l.inputs.defaultActions ?? [])[0];
  const what =
    action?.type === "redirect"
      ? `redirect to ${action.redirect?.protocol ?? "?"}`
      : action?.type === "fixed-response"
        ? `rules, else ${action.fixedResponse?.statusCode ?? "fixed response"}`
        : (action?.type ?? "no action");
  return `${l.inputs.protocol ?? "HTTP"} :${l.inputs.port ?? 80} → ${what}`;
}

/** A listener rule's conditions in words: `/api/* on shop.example.com`. */
function ruleMatch(rule: PlanResource): string {
  const values = (key: string) =>
    (rule.inputs.conditions ?? []).flatMap(
      (c: Record<string, { values?: string[] }>) => c[key]?.values ?? [],
    );
  const paths = values("pathPattern");
  const hosts = values("hostHeader");
  return (
    [paths.join(" "), hosts.length ? `on ${hosts.join(" ")}` : ""].filter(Boolean).join(" ") ||
    "every request"
  );
}

/** The repository an image reference points into: `<registry>/<repository>@sha256:...` → `<repository>`. */
const repositoryOf = (image: string) => image.replace(/^[^/]+\//, "").replace(/[@:].*$/, "");

/** A service's deployment in words, from its deploymentConfiguration. */
function deploymentOf(svc: PlanResource): string {
  const d = svc.inputs.deploymentConfiguration;
  const strategy = String(d?.strategy ?? "ROLLING");
  const bake = d?.bakeTimeInMinutes !== undefined ? `, bake ${d.bakeTimeInMinutes} min` : "";
  const hooked = (d?.lifecycleHooks ?? []).length > 0 ? ", smoke-tested first" : "";
  switch (strategy) {
    case "CANARY":
      return `canary ${d.canaryConfiguration?.canaryPercent}% · ${d.canaryConfiguration?.canaryBakeTimeInMinutes} min${bake}${hooked}`;
    case "LINEAR":
      return `linear ${d.linearConfiguration?.stepPercent}% steps · ${d.linearConfiguration?.stepBakeTimeInMinutes} min${bake}${hooked}`;
    case "BLUE_GREEN":
      return `blue-green${bake}${hooked}`;
    default:
      return "rolling";
  }
}

/** The architecture the resources describe. */
export function architectureOf(resources: PlanResource[]): Architecture {
  const listeners = ofType(resources, "aws:lb/listener:Listener", "aws:alb/listener:Listener");
  const securityGroups = ofType(resources, "aws:ec2/securityGroup:SecurityGroup");
  const ingressRules = ofType(resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
  const buckets = ofType(resources, "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2");
  const loadBalancers = ofType(
    resources,
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:alb/loadBalancer:LoadBalancer",
  ).map((lb) => {
    const groups = securityGroups.filter((sg) => mentions(lb.inputs.securityGroups, sg));
    const lbListeners = listeners.filter((l) => mentions(l.inputs.loadBalancerArn, lb));
    /** Whether an ingress rule of the load balancer's groups admits the whole internet to the port. */
    const open = (port: number) =>
      ingressRules.some(
        (r) =>
          groups.some((sg) => mentions(r.inputs.securityGroupId, sg)) &&
          (r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0") &&
          (r.inputs.ipProtocol === "-1" ||
            (Number(r.inputs.fromPort) <= port && port <= Number(r.inputs.toPort ?? r.inputs.fromPort))),
      );
    const logs = lb.inputs.accessLogs;
    const logBucket = logs?.enabled === true ? buckets.find((b) => mentions(logs.bucket, b)) : undefined;
    return {
      name: lb.name,
      internal: lb.inputs.internal === true,
      listeners: lbListeners.map(listenerLabel).sort(),
      internetPorts: lbListeners
        .map((l) => Number(l.inputs.port ?? 80))
        .filter(open)
        .sort((a, b) => a - b),
      deletionProtection: lb.inputs.enableDeletionProtection === true,
      ...(logBucket ? { accessLogsBucket: logBucket.name } : {}),
    };
  });
  const asgs = ofType(resources, "aws:autoscaling/group:Group");
  const templates = ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate");
  const capacityProviders = ofType(resources, "aws:ecs/capacityProvider:CapacityProvider");
  const scalingTargets = ofType(resources, "aws:appautoscaling/target:Target");
  const taskDefinitions = ofType(resources, "aws:ecs/taskDefinition:TaskDefinition");
  const targetGroups = ofType(resources, "aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup");
  const lbResources = ofType(
    resources,
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:alb/loadBalancer:LoadBalancer",
  );
  const rolePolicies = ofType(resources, "aws:iam/rolePolicy:RolePolicy");
  const roles = ofType(resources, "aws:iam/role:Role");
  const ownRepositories = ofType(resources, "aws:ecr/repository:Repository");
  /** The repositories a task definition's images come from: the stack's own by name, others as shared. */
  const imageRepositories = (td: PlanResource | undefined): string[] => {
    let containers: { image?: string }[] = [];
    try {
      containers = JSON.parse(td?.inputs.containerDefinitions ?? "[]");
    } catch {}
    return [
      ...new Set(
        containers.flatMap((c) => {
          if (!c.image) return [];
          const repo = repositoryOf(c.image);
          const own = ownRepositories.find((r) => r.state.name === repo || r.name === repo);
          return [own ? own.name : `${repo} (shared)`];
        }),
      ),
    ];
  };
  return {
    vpc: vpcOf(resources),
    ...endpointsOf(resources),
    loadBalancers,
    targetGroups: targetGroups.map((tg) => ({
      name: tg.name,
      protocol: tg.inputs.protocol ?? "HTTP",
      port: (tg.inputs.targetType ?? "instance") === "instance" ? undefined : tg.inputs.port,
      healthPath: tg.inputs.healthCheck?.path,
    })),
    routes: ofType(resources, "aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")
      .map((rule) => {
        const listener = listeners.find((l) => mentions(rule.inputs.listenerArn, l));
        const lb = listener
          ? lbResources.find((b) => mentions(listener.inputs.loadBalancerArn, b))
          : undefined;
        const forward = (rule.inputs.actions ?? []).find((a: { type?: string }) => a.type === "forward");
        const tg = forward ? targetGroups.find((t) => mentions(forward, t)) : undefined;
        return {
          priority: rule.inputs.priority ?? 0,
          match: ruleMatch(rule),
          ...(listener ? { listener: `:${listener.inputs.port ?? 80}` } : {}),
          ...(lb ? { loadBalancer: lb.name } : {}),
          ...(tg ? { targetGroup: tg.name } : {}),
        };
      })
      .sort((a, b) => a.priority - b.priority),
    services: ofType(resources, "aws:ecs/service:Service").map((svc) => {
      const scaling = scalingTargets.find((t) => mentions(t.inputs.resourceId, svc));
      const td = taskDefinitions.find((t) => mentions(svc.inputs.taskDefinition, t));
      const cp = capacityProviders.find((c) => mentions(svc.inputs.capacityProviderStrategies, c));
      const asg = cp
        ? asgs.find((a) => mentions(cp.inputs.autoScalingGroupProvider?.autoScalingGroupArn, a))
        : undefined;
      const taskRole = td ? roles.find((r) => mentions(td.inputs.taskRoleArn, r)) : undefined;
      const taskPolicies = taskRole ? rolePolicies.filter((p) => mentions(p.inputs.role, taskRole)) : [];
      return {
        name: svc.name,
        desired: svc.inputs.desiredCount,
        min: scaling?.inputs.minCapacity,
        max: scaling?.inputs.maxCapacity,
        networkMode: td?.inputs.networkMode ?? "bridge",
        ...(asg ? { asg: asg.name } : {}),
        targetGroups: targetGroups.filter((t) => mentions(svc.inputs.loadBalancers, t)).map((t) => t.name),
        reads: buckets
          .filter((b) => taskPolicies.some((p) => mentions(p.inputs.policy, b)))
          .map((b) => b.name),
        images: imageRepositories(td),
        deployment: deploymentOf(svc),
      };
    }),
    autoScalingGroups: asgs.map((asg) => {
      const lt =
        templates.find((t) => mentions(asg.inputs.launchTemplate, t)) ??
        (templates.length === 1 ? templates[0] : undefined);
      const distribution = asg.inputs.mixedInstancesPolicy?.instancesDistribution;
      const overrides: string[] | undefined = asg.inputs.mixedInstancesPolicy?.launchTemplate?.overrides
        ?.map((o: { instanceType?: string }) => o.instanceType)
        .filter(Boolean);
      const spot =
        lt?.inputs.instanceMarketOptions?.marketType === "spot" ||
        (distribution !== undefined && (distribution.onDemandPercentageAboveBaseCapacity ?? 100) < 100);
      return {
        name: asg.name,
        min: asg.inputs.minSize,
        max: asg.inputs.maxSize,
        // A mixed-instances policy's overrides, when present, are the types actually launched.
        instanceType: overrides?.length ? overrides.join("/") : lt?.inputs.instanceType,
        spot,
      };
    }),
    capacityProviders: capacityProviders.map((cp) => ({
      name: cp.name,
      targetCapacity: cp.inputs.autoScalingGroupProvider?.managedScaling?.targetCapacity,
    })),
    buckets: buckets.map((b) => ({
      name: b.name,
      accessLogs:
        loadBalancers.some((lb) => lb.accessLogsBucket === b.name) ||
        ofType(resources, "aws:s3/bucketLogging:BucketLogging").some((l) =>
          mentions(l.inputs.targetBucket, b),
        ),
    })),
    repositories: [
      ...ownRepositories.map((r) => r.name),
      ...new Set(taskDefinitions.flatMap(imageRepositories).filter((r) => r.endsWith(" (shared)"))),
    ],
    logGroups: ofType(resources, "aws:cloudwatch/logGroup:LogGroup").map((g) => ({
      name: g.name,
      retentionDays: g.inputs.retentionInDays,
    })),
    alarms: ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").length,
    topics: ofType(resources, "aws:sns/topic:Topic").length,
  };
}
