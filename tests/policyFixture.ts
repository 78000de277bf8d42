/**
 * A small stack built for the policy tests, independent of the real components: every resource family the
 * pack checks, each configured the compliant way, tagged through a provider's default tags like the
 * components do. A test breaks one thing through `tweaks` (edit or drop one resource's arguments) or `extra`
 * (add resources) and expects exactly that policy to object.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type Evaluation, runUnderMocks } from "../lib/harness";

/** Edits one fixture resource's arguments; returning null leaves the resource out. */
export type Tweak = (args: any) => any;

export interface FixtureOptions {
  /** The stack the fixture is evaluated as. Defaults to "test". */
  stack?: string;
  /** Argument edits, keyed by fixture resource key (`alb`, `taskDefinition`, `docsPolicy`, ...). */
  tweaks?: Record<string, Tweak>;
  /** Adds resources once the fixture is built, with the fixture's parent and provider. */
  extra?: (built: Record<string, pulumi.CustomResource>, opts: pulumi.CustomResourceOptions) => void;
}

/** A trust policy letting one service assume the role. */
export function trust(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}

/** The container definition every task definition case starts from. */
export function container(): aws.ecs.ContainerDefinition {
  return {
    name: "api",
    image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:${"0123456789abcdef".repeat(4)}`,
    user: "1000:1000",
    readonlyRootFilesystem: true,
    privileged: false,
    portMappings: [{ containerPort: 8080, hostPort: 0, protocol: "tcp" }],
    environment: [{ name: "DOCUMENT_BUCKET", value: "docs" }],
    logConfiguration: {
      logDriver: "awslogs",
      options: { "awslogs-group": "api", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "api" },
    },
  };
}

/** A bucket policy denying plain HTTP on `arn` and its objects, plus any extra statements. */
export function tlsOnlyPolicy(arn: string, extra: object[] = []): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      ...extra,
    ],
  });
}

/** The fixture's parent component, like a real component: its own provider with the stack's default tags. */
class Fixture extends pulumi.ComponentResource {
  constructor(name: string, options: FixtureOptions) {
    super("ecs-json-api:fixture:Fixture", name, {}, {});
    const stack = pulumi.getStack();
    const provider = new aws.Provider(
      `${name}-aws`,
      {
        region: "eu-west-1",
        defaultTags: { tags: { project: "ecs-json-api", stack, component: "Fixture" } },
      },
      { parent: this },
    );
    const opts = { parent: this, provider };
    const tweaks = options.tweaks ?? {};
    const built: Record<string, pulumi.CustomResource> = {};
    const keys = new Set<string>();
    const make = <R extends pulumi.CustomResource>(
      key: string,
      args: any,
      create: (n: string, a: any) => R,
    ): R => {
      keys.add(key);
      const final = tweaks[key] ? tweaks[key](args) : args;
      if (final !== null) built[key] = create(`${name}-${key}`, final);
      return built[key] as R;
    };

    // Network: the load balancer's group open on 80/443, the instances' group open to it only.
    const albSg = make(
      "albSg",
      { vpcId: "vpc-fixture", description: "Load balancer" },
      (n, a: aws.ec2.SecurityGroupArgs) => new aws.ec2.SecurityGroup(n, a, opts),
    );
    const instanceSg = make(
      "instanceSg",
      {
        vpcId: "vpc-fixture",
        description: "Container instances",
        egress: [
          { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "AWS APIs" },
        ],
      },
      (n, a: aws.ec2.SecurityGroupArgs) => new aws.ec2.SecurityGroup(n, a, opts),
    );
    const ingress = (key: string, args: aws.vpc.SecurityGroupIngressRuleArgs) =>
      make(
        key,
        args,
        (n, a: aws.vpc.SecurityGroupIngressRuleArgs) => new aws.vpc.SecurityGroupIngressRule(n, a, opts),
      );
    for (const port of [80, 443]) {
      ingress(`albIngress${port}`, {
        securityGroupId: albSg.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: "0.0.0.0/0",
        description: `Port ${port} from the internet`,
      });
    }
    const dynamicPorts = { ipProtocol: "tcp", fromPort: 32768, toPort: 65535 };
    ingress("instanceIngress", {
      securityGroupId: instanceSg.id,
      referencedSecurityGroupId: albSg.id,
      ...dynamicPorts,
      description: "Dynamic host ports from the load balancer",
    });
    make(
      "albEgress",
      {
        securityGroupId: albSg.id,
        referencedSecurityGroupId: instanceSg.id,
        ...dynamicPorts,
        description: "To the tasks",
      },
      (n, a: aws.vpc.SecurityGroupEgressRuleArgs) => new aws.vpc.SecurityGroupEgressRule(n, a, opts),
    );

    // Compute: instance role and profile, launch template, Auto Scaling group, cluster, capacity provider.
    const instanceRole = make(
      "instanceRole",
      { assumeRolePolicy: trust("ec2.amazonaws.com") },
      (n, a: aws.iam.RoleArgs) => new aws.iam.Role(n, a, opts),
    );
    const profile = make(
      "instanceProfile",
      { role: instanceRole.name },
      (n, a: aws.iam.InstanceProfileArgs) => new aws.iam.InstanceProfile(n, a, opts),
    );
    make(
      "instanceRolePolicy",
      {
        role: instanceRole.name,
        policyArn: "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
      },
      (n, a: aws.iam.RolePolicyAttachmentArgs) => new aws.iam.RolePolicyAttachment(n, a, opts),
    );
    const lt = make(
      "launchTemplate",
      {
        imageId: "ami-0123456789abcdef0",
        instanceType: "t3.medium",
        vpcSecurityGroupIds: [instanceSg.id],
        iamInstanceProfile: { arn: profile.arn },
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [
          { deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 30, volumeType: "gp3" } },
        ],
      },
      (n, a: aws.ec2.LaunchTemplateArgs) => new aws.ec2.LaunchTemplate(n, a, opts),
    );
    const asg = make(
      "asg",
      {
        minSize: 1,
        maxSize: 3,
        vpcZoneIdentifiers: ["subnet-private-a", "subnet-private-b"],
        launchTemplate: { id: lt.id, version: "$Latest" },
        tags: [
          { key: "project", value: "ecs-json-api", propagateAtLaunch: true },
          { key: "stack", value: stack, propagateAtLaunch: true },
        ],
      },
      (n, a: aws.autoscaling.GroupArgs) => new aws.autoscaling.Group(n, a, opts),
    );
    const cluster = make("cluster", {}, (n, a: aws.ecs.ClusterArgs) => new aws.ecs.Cluster(n, a, opts));
    make(
      "capacityProvider",
      { autoScalingGroupProvider: { autoScalingGroupArn: asg.arn, managedTerminationProtection: "ENABLED" } },
      (n, a: aws.ecs.CapacityProviderArgs) => new aws.ecs.CapacityProvider(n, a, opts),
    );

    // The load balancer: HTTPS with a recommended TLS policy, HTTP redirected; logs and protection in prod.
    const prod = stack === "prod";
    const alb = make(
      "alb",
      {
        securityGroups: [albSg.id],
        subnets: ["subnet-public-a", "subnet-public-b"],
        dropInvalidHeaderFields: true,
        desyncMitigationMode: "defensive",
        enableDeletionProtection: prod,
        ...(prod ? { accessLogs: { bucket: "fixture-access-logs", enabled: true } } : {}),
      },
      (n, a: aws.lb.LoadBalancerArgs) => new aws.lb.LoadBalancer(n, a, opts),
    );
    const tg = make(
      "targetGroup",
      {
        port: 8080,
        protocol: "HTTP",
        vpcId: "vpc-fixture",
        deregistrationDelay: 30,
        healthCheck: { enabled: true, path: "/health" },
      },
      (n, a: aws.lb.TargetGroupArgs) => new aws.lb.TargetGroup(n, a, opts),
    );
    make(
      "httpsListener",
      {
        loadBalancerArn: alb.arn,
        port: 443,
        protocol: "HTTPS",
        certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/fixture",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
      },
      (n, a: aws.lb.ListenerArgs) => new aws.lb.Listener(n, a, opts),
    );
    make(
      "httpListener",
      {
        loadBalancerArn: alb.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [
          { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
        ],
      },
      (n, a: aws.lb.ListenerArgs) => new aws.lb.Listener(n, a, opts),
    );

    // The service: separate task and execution roles, a bridge-mode task definition, a capacity provider.
    const taskRole = make(
      "taskRole",
      { assumeRolePolicy: trust("ecs-tasks.amazonaws.com") },
      (n, a: aws.iam.RoleArgs) => new aws.iam.Role(n, a, opts),
    );
    make(
      "taskRolePolicy",
      {
        role: taskRole.id,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "ReadDocuments",
              Effect: "Allow",
              Action: ["s3:GetObject"],
              Resource: "arn:aws:s3:::docs/*",
            },
          ],
        }),
      },
      (n, a: aws.iam.RolePolicyArgs) => new aws.iam.RolePolicy(n, a, opts),
    );
    const executionRole = make(
      "executionRole",
      { assumeRolePolicy: trust("ecs-tasks.amazonaws.com") },
      (n, a: aws.iam.RoleArgs) => new aws.iam.Role(n, a, opts),
    );
    make(
      "logGroup",
      { retentionInDays: 7 },
      (n, a: aws.cloudwatch.LogGroupArgs) => new aws.cloudwatch.LogGroup(n, a, opts),
    );
    const td = make(
      "taskDefinition",
      {
        family: "api",
        networkMode: "bridge",
        requiresCompatibilities: ["EC2"],
        taskRoleArn: taskRole.arn,
        executionRoleArn: executionRole.arn,
        containerDefinitions: JSON.stringify([container()]),
      },
      (n, a: aws.ecs.TaskDefinitionArgs) => new aws.ecs.TaskDefinition(n, a, opts),
    );
    make(
      "service",
      {
        cluster: cluster.arn,
        taskDefinition: td.arn,
        desiredCount: 2,
        capacityProviderStrategies: [{ capacityProvider: "fixture-cp", weight: 1 }],
        deploymentCircuitBreaker: { enable: true, rollback: true },
        alarms: { alarmNames: ["fixture-release-5xx-rate"], enable: true, rollback: true },
        loadBalancers: [{ targetGroupArn: tg.arn, containerName: "api", containerPort: 8080 }],
      },
      (n, a: aws.ecs.ServiceArgs) => new aws.ecs.Service(n, a, opts),
    );

    // The image registry.
    const repo = make(
      "repository",
      { imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } },
      (n, a: aws.ecr.RepositoryArgs) => new aws.ecr.Repository(n, a, opts),
    );
    make(
      "lifecyclePolicy",
      {
        repository: repo.name,
        policy: JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 10 },
              action: { type: "expire" },
            },
          ],
        }),
      },
      (n, a: aws.ecr.LifecyclePolicyArgs) => new aws.ecr.LifecyclePolicy(n, a, opts),
    );

    // The documents bucket and every setting the S3 policies look for.
    const bucket = make("docs", {}, (n, a: aws.s3.BucketArgs) => new aws.s3.Bucket(n, a, opts));
    make(
      "docsPublicAccess",
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      (n, a: aws.s3.BucketPublicAccessBlockArgs) => new aws.s3.BucketPublicAccessBlock(n, a, opts),
    );
    make(
      "docsEncryption",
      { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      (n, a: aws.s3.BucketServerSideEncryptionConfigurationArgs) =>
        new aws.s3.BucketServerSideEncryptionConfiguration(n, a, opts),
    );
    make(
      "docsVersioning",
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      (n, a: aws.s3.BucketVersioningArgs) => new aws.s3.BucketVersioning(n, a, opts),
    );
    make(
      "docsOwnership",
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      (n, a: aws.s3.BucketOwnershipControlsArgs) => new aws.s3.BucketOwnershipControls(n, a, opts),
    );
    make(
      "docsPolicy",
      { bucket: bucket.id, policy: bucket.arn.apply((arn) => tlsOnlyPolicy(arn)) },
      (n, a: aws.s3.BucketPolicyArgs) => new aws.s3.BucketPolicy(n, a, opts),
    );

    if (prod) {
      // Server access logs of the documents, in production (S3.9).
      make(
        "docsLogging",
        { bucket: bucket.id, targetBucket: "fixture-access-logs", targetPrefix: "s3-access/" },
        (n, a: aws.s3.BucketLoggingArgs) => new aws.s3.BucketLogging(n, a, opts),
      );
    }

    // An alarm that tells someone.
    const topic = make("alarmTopic", {}, (n, a: aws.sns.TopicArgs) => new aws.sns.Topic(n, a, opts));
    make(
      "alarm",
      {
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 1,
        metricName: "HTTPCode_Target_5XX_Count",
        namespace: "AWS/ApplicationELB",
        period: 60,
        statistic: "Sum",
        threshold: 5,
        alarmActions: [topic.arn],
      },
      (n, a: aws.cloudwatch.MetricAlarmArgs) => new aws.cloudwatch.MetricAlarm(n, a, opts),
    );

    const unknown = Object.keys(tweaks).filter((k) => !keys.has(k));
    if (unknown.length > 0) throw new Error(`fixture has no resource ${unknown.join(", ")}`);
    options.extra?.(built, opts);
    this.registerOutputs({});
  }
}

/** Evaluates the fixture under mocks, as the given stack. */
export function evaluateFixture(options: FixtureOptions = {}): Promise<Evaluation> {
  return runUnderMocks(() => new Fixture("fx", options), { stack: options.stack ?? "test" });
}
