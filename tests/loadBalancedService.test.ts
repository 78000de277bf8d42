/** LoadBalancedService under mocks (one component, literal inputs), and its pure parts. */
import * as assert from "node:assert/strict";
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alarmSpecs, DEFAULT_THRESHOLDS, memoryAlarmThreshold } from "../components/alarms";
import { accessLogBucketPolicy, ELB_LOG_DELIVERY_PRINCIPAL } from "../components/albAccessLogs";
import {
  DEREGISTRATION_DELAY_SECONDS,
  keepAliveTimeoutMs,
  stopTimeoutSeconds,
} from "../components/apiContainer";
import { TLS_POLICY } from "../components/listeners";
import {
  LoadBalancedService,
  type LoadBalancedServiceArgs,
  resolveServiceArgs,
} from "../components/loadBalancedService";
import { ecrRepositoryArn, ecsTasksTrustPolicy, executionRolePolicy } from "../components/serviceRoles";
import { ACCOUNT_ID, type Evaluation, type RecordedResource, runUnderMocks } from "../lib/harness";

const IMAGE = `${ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/ecs-json-api@sha256:${"a".repeat(64)}`;
const READ_POLICY: aws.iam.PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::docs-bucket/documents/*" },
    { Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::docs-bucket" },
  ],
};

/** What the other components hand over, as literals. */
const BASE: LoadBalancedServiceArgs = {
  region: "eu-west-1",
  tags: { project: "ecs-json-api", stack: "test" },
  vpcId: "vpc-0123",
  publicSubnetIds: ["subnet-public-a", "subnet-public-b"],
  clusterArn: `arn:aws:ecs:eu-west-1:${ACCOUNT_ID}:cluster/apps`,
  clusterName: "apps",
  capacityProviderName: "apps-capacity",
  instanceSecurityGroupId: "sg-instances",
  autoScalingGroupName: "apps-asg",
  instanceType: "t3.medium",
  maxInstances: 3,
  bucketName: "docs-bucket",
  keyPrefix: "documents/",
  bucketReadPolicy: READ_POLICY,
  imageRef: IMAGE,
};

interface Run {
  evaluation: Evaluation;
  /** Resource options as the program passed them, keyed `type::name`. */
  options: Map<string, pulumi.CustomResourceOptions>;
}

const runs = new Map<string, Promise<Run>>();
/** Evaluates the component with `overrides` (memoised per variant). */
function evaluate(overrides: Partial<LoadBalancedServiceArgs> = {}): Promise<Run> {
  const key = JSON.stringify(overrides);
  let run = runs.get(key);
  if (!run) {
    const options = new Map<string, pulumi.CustomResourceOptions>();
    run = runUnderMocks(() => {
      pulumi.runtime.registerStackTransformation(({ type, name, opts }) => {
        options.set(`${type}::${name}`, opts);
        return undefined;
      });
      const s = new LoadBalancedService("api", { ...BASE, ...overrides });
      return {
        url: s.url,
        albDnsName: s.albDnsName,
        albArn: s.albArn,
        serviceName: s.serviceName,
        targetGroupArn: s.targetGroupArn,
        logGroupName: s.logGroupName,
        dashboardName: s.dashboardName,
        dashboardUrl: s.dashboardUrl,
        alarmTopicArn: s.alarmTopicArn,
        tasksPerInstance: s.tasksPerInstance,
        taskRoleArn: s.taskRoleArn,
        executionRoleArn: s.executionRoleArn,
      };
    }).then((evaluation) => ({ evaluation, options }));
    runs.set(key, run);
  }
  return run;
}

const CERT = `arn:aws:acm:eu-west-1:${ACCOUNT_ID}:certificate/0a1b2c3d-1111-2222-3333-444455556666`;
const VARIANTS = {
  http: {},
  certificate: { certificateArn: CERT },
  domain: { domainName: "api.example.com", hostedZoneId: "Z0123456789ABC" },
} satisfies Record<string, Partial<LoadBalancedServiceArgs>>;

/** A security group rule as a comparable line. */
function ruleLine(r: RecordedResource): string {
  const i = r.inputs;
  const peer = i.cidrIpv4 ?? i.cidrIpv6 ?? i.referencedSecurityGroupId;
  return `${i.securityGroupId} ${i.ipProtocol} ${i.fromPort}-${i.toPort} ${peer}`;
}

describe("LoadBalancedService", () => {
  describe("load balancer", () => {
    it("is an internet-facing ALB in the public subnets, behind its own security group", async () => {
      const { evaluation: e } = await evaluate();
      const alb = e.one("aws:lb/loadBalancer:LoadBalancer").inputs;
      assert.equal(alb.loadBalancerType, "application");
      assert.equal(alb.internal, false);
      assert.deepEqual(alb.subnets, ["subnet-public-a", "subnet-public-b"]);
      assert.deepEqual(alb.securityGroups, [e.one("aws:ec2/securityGroup:SecurityGroup").state.id]);
      assert.equal(alb.ipAddressType, "ipv4");
    });

    it("drops invalid headers, mitigates desync strictly and uses the configured idle timeout", async () => {
      const alb = (await evaluate({ albIdleTimeout: 120 })).evaluation.one(
        "aws:lb/loadBalancer:LoadBalancer",
      );
      assert.equal(alb.inputs.dropInvalidHeaderFields, true);
      assert.equal(alb.inputs.desyncMitigationMode, "strictest");
      assert.equal(alb.inputs.idleTimeout, 120);
    });

    it("turns deletion protection on only when asked", async () => {
      const off = (await evaluate()).evaluation.one("aws:lb/loadBalancer:LoadBalancer");
      const on = (await evaluate({ deletionProtection: true })).evaluation.one(
        "aws:lb/loadBalancer:LoadBalancer",
      );
      assert.equal(off.inputs.enableDeletionProtection, false);
      assert.equal(on.inputs.enableDeletionProtection, true);
    });

    it("is IPv4 only, so no IPv6 rule is needed", async () => {
      const alb = (await evaluate({})).evaluation.one("aws:lb/loadBalancer:LoadBalancer");
      assert.equal(alb.inputs.ipAddressType, "ipv4");
    });
  });

  describe("security groups", () => {
    it("opens only HTTP 80 from anywhere when there is no certificate", async () => {
      const { evaluation: e } = await evaluate(VARIANTS.http);
      const albSg = e.one("aws:ec2/securityGroup:SecurityGroup").state.id;
      const ingress = e.resourcesOfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
      assert.deepEqual(ingress.map(ruleLine).sort(), [
        `${albSg} tcp 80-80 0.0.0.0/0`,
        `sg-instances tcp 32768-65535 ${albSg}`,
      ]);
    });

    it("opens 443 and the redirecting 80 from anywhere with TLS", async () => {
      for (const variant of [VARIANTS.certificate, VARIANTS.domain]) {
        const { evaluation: e } = await evaluate(variant);
        const albSg = e.one("aws:ec2/securityGroup:SecurityGroup").state.id;
        const ingress = e.resourcesOfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        assert.deepEqual(ingress.map(ruleLine).sort(), [
          `${albSg} tcp 443-443 0.0.0.0/0`,
          `${albSg} tcp 80-80 0.0.0.0/0`,
          `sg-instances tcp 32768-65535 ${albSg}`,
        ]);
      }
    });

    it("lets the ALB talk only to the instances' ephemeral ports", async () => {
      const { evaluation: e } = await evaluate();
      const albSg = e.one("aws:ec2/securityGroup:SecurityGroup");
      assert.equal(albSg.inputs.ingress, undefined);
      assert.equal(albSg.inputs.egress, undefined);
      const egress = e.resourcesOfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
      assert.deepEqual(egress.map(ruleLine), [`${albSg.state.id} tcp 32768-65535 sg-instances`]);
    });

    it("describes every rule and group in the characters EC2 accepts", async () => {
      // EC2 API reference, IpRange/UserIdGroupPair Description and CreateSecurityGroup GroupDescription:
      // up to 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$* (no apostrophe).
      const ec2Description = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;
      const { evaluation: e } = await evaluate(VARIANTS.certificate);
      const rules = [
        ...e.resourcesOfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"),
        ...e.resourcesOfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"),
      ];
      assert.equal(rules.length, 4);
      for (const rule of rules) assert.match(rule.inputs.description, ec2Description, rule.name);
      assert.match(e.one("aws:ec2/securityGroup:SecurityGroup").inputs.description, ec2Description);
    });
  });

  describe("listeners", () => {
    it("forwards HTTP 80 to the target group when there is no certificate", async () => {
      const { evaluation: e } = await evaluate(VARIANTS.http);
      const [http] = e.resourcesOfType("aws:lb/listener:Listener");
      assert.equal(e.resourcesOfType("aws:lb/listener:Listener").length, 1);
      assert.equal(http.inputs.port, 80);
      assert.equal(http.inputs.protocol, "HTTP");
      assert.equal(http.inputs.loadBalancerArn, e.one("aws:lb/loadBalancer:LoadBalancer").state.arn);
      assert.deepEqual(http.inputs.defaultActions, [
        { type: "forward", targetGroupArn: e.one("aws:lb/targetGroup:TargetGroup").state.arn },
      ]);
      assert.equal(e.outputs.url, `http://${e.one("aws:lb/loadBalancer:LoadBalancer").state.dnsName}`);
    });

    it("serves HTTPS 443 with a TLS 1.3 policy and the given certificate, and redirects 80 to it", async () => {
      const { evaluation: e } = await evaluate(VARIANTS.certificate);
      const byPort = Object.fromEntries(
        e.resourcesOfType("aws:lb/listener:Listener").map((l) => [l.inputs.port, l]),
      );
      assert.deepEqual(Object.keys(byPort).sort(), ["443", "80"]);
      assert.equal(byPort[443].inputs.protocol, "HTTPS");
      assert.equal(byPort[443].inputs.sslPolicy, TLS_POLICY);
      assert.equal(TLS_POLICY, "ELBSecurityPolicy-TLS13-1-2-Res-2021-06");
      assert.equal(byPort[443].inputs.certificateArn, CERT);
      assert.deepEqual(byPort[443].inputs.defaultActions, [
        { type: "forward", targetGroupArn: e.one("aws:lb/targetGroup:TargetGroup").state.arn },
      ]);
      assert.equal(byPort[80].inputs.protocol, "HTTP");
      assert.deepEqual(byPort[80].inputs.defaultActions, [
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
      ]);
      assert.equal(e.resourcesOfType("aws:acm/certificate:Certificate").length, 0);
      assert.equal(e.resourcesOfType("aws:route53/record:Record").length, 0);
      assert.equal(e.outputs.url, `https://${e.one("aws:lb/loadBalancer:LoadBalancer").state.dnsName}`);
    });

    it("issues a DNS-validated ACM certificate for a domain with a zone, and serves HTTPS with it", async () => {
      const { evaluation: e } = await evaluate(VARIANTS.domain);
      const cert = e.one("aws:acm/certificate:Certificate");
      assert.equal(cert.inputs.domainName, "api.example.com");
      assert.equal(cert.inputs.validationMethod, "DNS");
      const [option] = cert.state.domainValidationOptions;
      const record = e.named("api-certificate-validation-record");
      assert.equal(record.inputs.zoneId, "Z0123456789ABC");
      assert.equal(record.inputs.name, option.resourceRecordName);
      assert.equal(record.inputs.type, "CNAME");
      assert.deepEqual(record.inputs.records, [option.resourceRecordValue]);
      const validation = e.one("aws:acm/certificateValidation:CertificateValidation");
      assert.equal(validation.inputs.certificateArn, cert.state.arn);
      assert.deepEqual(validation.inputs.validationRecordFqdns, [record.state.fqdn]);
      const https = e.resourcesOfType("aws:lb/listener:Listener").find((l) => l.inputs.port === 443);
      assert.equal(https?.inputs.certificateArn, cert.state.arn);
      assert.equal(https?.inputs.sslPolicy, TLS_POLICY);
      assert.equal(e.outputs.url, "https://api.example.com");
    });

    it("points an alias A record for the domain at the ALB, and AAAA only when dual-stack", async () => {
      const { evaluation: e } = await evaluate(VARIANTS.domain);
      const alb = e.one("aws:lb/loadBalancer:LoadBalancer").state;
      const alias = e.named("api-alias-a");
      assert.equal(alias.inputs.type, "A");
      assert.equal(alias.inputs.name, "api.example.com");
      assert.deepEqual(alias.inputs.aliases, [
        { name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true },
      ]);
      assert.equal(e.resourcesOfType("aws:route53/record:Record").length, 2); // validation + A
    });

    it("prefers a given certificate over issuing one, and still aliases the domain", async () => {
      const { evaluation: e } = await evaluate({ ...VARIANTS.domain, certificateArn: CERT });
      assert.equal(e.resourcesOfType("aws:acm/certificate:Certificate").length, 0);
      const https = e.resourcesOfType("aws:lb/listener:Listener").find((l) => l.inputs.port === 443);
      assert.equal(https?.inputs.certificateArn, CERT);
      assert.equal(e.named("api-alias-a").inputs.type, "A");
      assert.equal(e.outputs.url, "https://api.example.com");
    });
  });

  describe("target group", () => {
    it("registers instances over HTTP and checks /healthz for a 200, tuned to react within half a minute", async () => {
      const tg = (await evaluate()).evaluation.one("aws:lb/targetGroup:TargetGroup").inputs;
      assert.equal(tg.targetType, "instance");
      assert.equal(tg.protocol, "HTTP");
      assert.equal(tg.vpcId, "vpc-0123");
      assert.deepEqual(tg.healthCheck, {
        enabled: true,
        protocol: "HTTP",
        port: "traffic-port",
        path: "/healthz",
        matcher: "200",
        interval: 10,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      });
    });

    it("drains deregistered tasks for 15 s: above the service's ~10 s longest request, far below 300 s", async () => {
      const tg = (await evaluate()).evaluation.one("aws:lb/targetGroup:TargetGroup").inputs;
      assert.equal(tg.deregistrationDelay, DEREGISTRATION_DELAY_SECONDS);
      assert.equal(DEREGISTRATION_DELAY_SECONDS, 15);
    });
  });

  describe("task definition", () => {
    async function container(overrides: Partial<LoadBalancedServiceArgs> = {}) {
      const { evaluation: e } = await evaluate(overrides);
      const def = e.one("aws:ecs/taskDefinition:TaskDefinition");
      const containers = JSON.parse(def.inputs.containerDefinitions);
      assert.equal(containers.length, 1);
      return { e, def, c: containers[0] };
    }

    it("runs on EC2 with bridge networking, sized by the container (no task-level cpu/memory)", async () => {
      const { def } = await container();
      assert.deepEqual(def.inputs.requiresCompatibilities, ["EC2"]);
      assert.equal(def.inputs.networkMode, "bridge");
      assert.equal(def.inputs.cpu, undefined);
      assert.equal(def.inputs.memory, undefined);
      assert.equal(def.inputs.family, "ecs-json-api-test-api");
    });

    it("maps the container port to a dynamic host port", async () => {
      const { c } = await container({ containerPort: 3000 });
      assert.deepEqual(c.portMappings, [{ containerPort: 3000, hostPort: 0, protocol: "tcp" }]);
    });

    it("reserves the configured CPU, hard memory limit and soft reservation", async () => {
      const { c } = await container({ taskCpu: 512, taskMemory: 1024, taskMemoryReservation: 768 });
      assert.equal(c.cpu, 512);
      assert.equal(c.memory, 1024);
      assert.equal(c.memoryReservation, 768);
    });

    it("runs the pinned image as an essential, non-root container with a read-only root and an init process", async () => {
      const { c } = await container();
      assert.equal(c.image, IMAGE);
      assert.equal(c.essential, true);
      assert.equal(c.user, "1000:1000");
      assert.equal(c.readonlyRootFilesystem, true);
      assert.deepEqual(c.linuxParameters, { initProcessEnabled: true });
    });

    it("hands the service its environment contract", async () => {
      const { c } = await container({ containerPort: 9000, albIdleTimeout: 100, logLevel: "debug" });
      assert.deepEqual(c.environment, [
        { name: "BUCKET_NAME", value: "docs-bucket" },
        { name: "KEY_PREFIX", value: "documents/" },
        { name: "AWS_REGION", value: "eu-west-1" },
        { name: "PORT", value: "9000" },
        { name: "LOG_LEVEL", value: "debug" },
        { name: "KEEP_ALIVE_TIMEOUT_MS", value: "105000" },
        { name: "SHUTDOWN_TIMEOUT_MS", value: "20000" },
      ]);
    });

    it("keeps the service's keep-alive above the ALB's idle timeout", () => {
      for (const idle of [15, 60, 4000]) assert.ok(keepAliveTimeoutMs(idle) > idle * 1000);
    });

    it("stops the container only after the service's drain time", async () => {
      const { c } = await container();
      assert.equal(c.stopTimeout, 30);
      const slow = await container({ shutdownTimeoutMs: 45_500 });
      assert.equal(slow.c.stopTimeout, 56);
      assert.equal(stopTimeoutSeconds(110_000), 120);
    });

    it("checks its health with the image's node script (no curl in the slim image)", async () => {
      const { c } = await container();
      assert.deepEqual(c.healthCheck, {
        command: ["CMD", "node", "dist/healthcheck.js"],
        interval: 15,
        timeout: 5,
        retries: 3,
        startPeriod: 15,
      });
    });

    it("logs through awslogs to its own log group, kept for the configured retention", async () => {
      const { e, c } = await container({ logRetentionDays: 30 });
      const group = e.one("aws:cloudwatch/logGroup:LogGroup");
      assert.equal(group.inputs.retentionInDays, 30);
      assert.equal(c.logConfiguration.logDriver, "awslogs");
      assert.equal(c.logConfiguration.options["awslogs-group"], group.state.name);
      assert.equal(c.logConfiguration.options["awslogs-region"], "eu-west-1");
      assert.equal(c.logConfiguration.options["awslogs-stream-prefix"], "api");
      assert.equal(e.outputs.logGroupName, group.state.name);
    });
  });

  describe("roles", () => {
    it("gives the task role only the bucket's read policy, inline", async () => {
      const { evaluation: e } = await evaluate();
      const taskRole = e.named("api-task-role");
      const def = e.one("aws:ecs/taskDefinition:TaskDefinition");
      assert.equal(def.inputs.taskRoleArn, taskRole.state.arn);
      const policies = e
        .resourcesOfType("aws:iam/rolePolicy:RolePolicy")
        .filter((p) => p.inputs.role === taskRole.state.name);
      assert.equal(policies.length, 1);
      assert.deepEqual(JSON.parse(policies[0].inputs.policy), READ_POLICY);
      assert.equal(e.resourcesOfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
      assert.equal(e.outputs.taskRoleArn, taskRole.state.arn);
    });

    it("lets the execution role pull only the image's repository and write only the task's log group", async () => {
      const { evaluation: e } = await evaluate();
      const executionRole = e.named("api-execution-role");
      assert.equal(
        e.one("aws:ecs/taskDefinition:TaskDefinition").inputs.executionRoleArn,
        executionRole.state.arn,
      );
      const [policy] = e
        .resourcesOfType("aws:iam/rolePolicy:RolePolicy")
        .filter((p) => p.inputs.role === executionRole.state.name);
      const group = e.one("aws:cloudwatch/logGroup:LogGroup").state.arn;
      const doc = JSON.parse(policy.inputs.policy);
      assert.deepEqual(
        doc.Statement.map((s: aws.iam.PolicyStatement) => [s.Sid, s.Resource]),
        [
          ["EcrLogin", "*"],
          ["PullImage", `arn:aws:ecr:eu-west-1:${ACCOUNT_ID}:repository/ecs-json-api`],
          ["WriteLogs", `${group}:log-stream:*`],
        ],
      );
      assert.deepEqual(doc.Statement[0].Action, "ecr:GetAuthorizationToken");
      assert.deepEqual(doc.Statement[2].Action, ["logs:CreateLogStream", "logs:PutLogEvents"]);
      assert.deepEqual(doc, executionRolePolicy(IMAGE, group));
    });

    it("trusts ecs-tasks.amazonaws.com acting for this account only, for both roles", async () => {
      const { evaluation: e } = await evaluate();
      const roles = e.resourcesOfType("aws:iam/role:Role");
      assert.equal(roles.length, 2);
      for (const role of roles) {
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy), {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "ecs-tasks.amazonaws.com" },
              Action: "sts:AssumeRole",
              Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT_ID } },
            },
          ],
        });
      }
      assert.deepEqual(JSON.parse(roles[0].inputs.assumeRolePolicy), ecsTasksTrustPolicy(ACCOUNT_ID));
    });

    it("finds the ECR repository of an image reference, and none for other registries", () => {
      assert.equal(ecrRepositoryArn(IMAGE), `arn:aws:ecr:eu-west-1:${ACCOUNT_ID}:repository/ecs-json-api`);
      assert.equal(
        ecrRepositoryArn(`${ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/team/api:v1`),
        `arn:aws:ecr:eu-west-1:${ACCOUNT_ID}:repository/team/api`,
      );
      assert.equal(
        ecrRepositoryArn(`${ACCOUNT_ID}.dkr.ecr.cn-north-1.amazonaws.com.cn/api@sha256:${"b".repeat(64)}`),
        `arn:aws-cn:ecr:cn-north-1:${ACCOUNT_ID}:repository/api`,
      );
      assert.equal(ecrRepositoryArn(`ghcr.io/acme/api@sha256:${"c".repeat(64)}`), undefined);
    });

    it("grants no ECR access for an image outside ECR", () => {
      const doc = executionRolePolicy(
        `ghcr.io/acme/api@sha256:${"c".repeat(64)}`,
        "arn:aws:logs:x:1:log-group:g",
      );
      assert.deepEqual(
        (doc.Statement as aws.iam.PolicyStatement[]).map((s) => s.Sid),
        ["WriteLogs"],
      );
    });
  });

  describe("ECS service", () => {
    it("places through the cluster's capacity provider only, with no launchType", async () => {
      const svc = (await evaluate()).evaluation.one("aws:ecs/service:Service").inputs;
      assert.equal(svc.launchType, undefined);
      assert.deepEqual(svc.capacityProviderStrategies, [
        { capacityProvider: "apps-capacity", weight: 1, base: 0 },
      ]);
      assert.equal(svc.cluster, BASE.clusterArn);
    });

    it("rolls back a failing deploy and never drops below the desired count during one", async () => {
      const svc = (await evaluate()).evaluation.one("aws:ecs/service:Service").inputs;
      assert.deepEqual(svc.deploymentCircuitBreaker, { enable: true, rollback: true });
      assert.equal(svc.deploymentMinimumHealthyPercent, 100);
      assert.equal(svc.deploymentMaximumPercent, 200);
    });

    it("spreads tasks across AZs, then binpacks on memory", async () => {
      const svc = (await evaluate()).evaluation.one("aws:ecs/service:Service").inputs;
      assert.deepEqual(svc.orderedPlacementStrategies, [
        { type: "spread", field: "attribute:ecs.availability-zone" },
        { type: "binpack", field: "memory" },
      ]);
    });

    it("registers the container's port in the target group, after a grace period", async () => {
      const { evaluation: e } = await evaluate({ containerPort: 3000 });
      const svc = e.one("aws:ecs/service:Service").inputs;
      assert.deepEqual(svc.loadBalancers, [
        {
          targetGroupArn: e.one("aws:lb/targetGroup:TargetGroup").state.arn,
          containerName: "api",
          containerPort: 3000,
        },
      ]);
      assert.equal(svc.healthCheckGracePeriodSeconds, 60);
      assert.equal(svc.taskDefinition, e.one("aws:ecs/taskDefinition:TaskDefinition").state.arn);
    });

    it("waits for a steady state with a timeout, propagates tags and lets autoscaling own the count", async () => {
      const { evaluation: e, options } = await evaluate({ desiredTasks: 3, minTasks: 2 });
      const svc = e.one("aws:ecs/service:Service");
      assert.equal(svc.inputs.waitForSteadyState, true);
      assert.equal(svc.inputs.propagateTags, "SERVICE");
      assert.equal(svc.inputs.enableEcsManagedTags, true);
      assert.equal(svc.inputs.desiredCount, 3);
      const opts = options.get("aws:ecs/service:Service::api-service");
      assert.deepEqual(opts?.ignoreChanges, ["desiredCount"]);
      assert.deepEqual(opts?.customTimeouts, { create: "20m", update: "20m" });
    });

    it("starts only once its listeners, its roles' policies and the ALB-to-instance rules exist", async () => {
      const { evaluation: e } = await evaluate(VARIANTS.certificate);
      assert.deepEqual([...e.one("aws:ecs/service:Service").options.dependsOn].sort(), [
        "api-alb-in-443-ipv4",
        "api-alb-in-80-ipv4",
        "api-alb-out-to-instances",
        "api-execution-pull-and-log",
        "api-http-redirect",
        "api-https",
        "api-instances-in-from-alb",
        "api-task-bucket-read",
      ]);
    });
  });

  describe("autoscaling", () => {
    it("scales the service's desired count between minTasks and maxTasks", async () => {
      const { evaluation: e } = await evaluate({ minTasks: 2, maxTasks: 5, desiredTasks: 2 });
      const target = e.one("aws:appautoscaling/target:Target").inputs;
      assert.equal(target.serviceNamespace, "ecs");
      assert.equal(target.scalableDimension, "ecs:service:DesiredCount");
      assert.equal(target.resourceId, `service/apps/${e.one("aws:ecs/service:Service").state.name}`);
      assert.equal(target.minCapacity, 2);
      assert.equal(target.maxCapacity, 5);
    });

    it("tracks average CPU and ALB requests per target, with cooldowns", async () => {
      const { evaluation: e } = await evaluate({ cpuTargetPercent: 55, requestsPerTarget: 800 });
      const target = e.one("aws:appautoscaling/target:Target").inputs;
      const alb = e.one("aws:lb/loadBalancer:LoadBalancer").state;
      const tg = e.one("aws:lb/targetGroup:TargetGroup").state;
      const policies = Object.fromEntries(
        e.resourcesOfType("aws:appautoscaling/policy:Policy").map((p) => [p.name, p.inputs]),
      );
      assert.deepEqual(Object.keys(policies).sort(), ["api-scale-on-cpu", "api-scale-on-requests"]);
      for (const p of Object.values(policies)) {
        assert.equal(p.policyType, "TargetTrackingScaling");
        assert.equal(p.resourceId, target.resourceId);
        assert.equal(p.scalableDimension, "ecs:service:DesiredCount");
        assert.equal(p.serviceNamespace, "ecs");
        assert.equal(p.targetTrackingScalingPolicyConfiguration.scaleOutCooldown, 60);
        assert.equal(p.targetTrackingScalingPolicyConfiguration.scaleInCooldown, 300);
      }
      const cpu = policies["api-scale-on-cpu"].targetTrackingScalingPolicyConfiguration;
      assert.deepEqual(cpu.predefinedMetricSpecification, {
        predefinedMetricType: "ECSServiceAverageCPUUtilization",
      });
      assert.equal(cpu.targetValue, 55);
      const requests = policies["api-scale-on-requests"].targetTrackingScalingPolicyConfiguration;
      assert.deepEqual(requests.predefinedMetricSpecification, {
        predefinedMetricType: "ALBRequestCountPerTarget",
        resourceLabel: `${alb.arnSuffix}/${tg.arnSuffix}`,
      });
      assert.match(
        requests.predefinedMetricSpecification.resourceLabel,
        /^app\/[^/]+\/[0-9a-f]+\/targetgroup\/[^/]+\/[0-9a-f]+$/,
      );
      assert.equal(requests.targetValue, 800);
    });
  });

  describe("alarms and dashboard", () => {
    const KEYS = [
      "alb-5xx",
      "target-5xx",
      "unhealthy-hosts",
      "p99-latency",
      "cpu-high",
      "memory-high",
      "tasks-pending",
    ];

    it("raises every alarm to the topic when it fires and when it clears, with missing data handled deliberately", async () => {
      const { evaluation: e } = await evaluate();
      const topic = e.one("aws:sns/topic:Topic").state.arn;
      const alarms = e.resourcesOfType("aws:cloudwatch/metricAlarm:MetricAlarm");
      assert.deepEqual(alarms.map((a) => a.name).sort(), KEYS.map((k) => `api-${k}`).sort());
      for (const alarm of alarms) {
        assert.deepEqual(alarm.inputs.alarmActions, [topic], alarm.name);
        assert.deepEqual(alarm.inputs.okActions, [topic], alarm.name);
        assert.ok(
          ["notBreaching", "missing", "breaching", "ignore"].includes(alarm.inputs.treatMissingData),
          alarm.name,
        );
        assert.ok(alarm.inputs.alarmDescription, alarm.name);
      }
      assert.equal(e.outputs.alarmTopicArn, topic);
    });

    it("watches the ALB's and the targets' 5xx, unhealthy hosts and p99 latency on this ALB and target group", async () => {
      const { evaluation: e } = await evaluate();
      const alb = e.one("aws:lb/loadBalancer:LoadBalancer").state.arnSuffix;
      const tg = e.one("aws:lb/targetGroup:TargetGroup").state.arnSuffix;
      const a = (k: string) => e.named(`api-${k}`).inputs;
      assert.equal(a("alb-5xx").metricName, "HTTPCode_ELB_5XX_Count");
      assert.deepEqual(a("alb-5xx").dimensions, { LoadBalancer: alb });
      assert.equal(a("target-5xx").metricName, "HTTPCode_Target_5XX_Count");
      assert.equal(a("unhealthy-hosts").metricName, "UnHealthyHostCount");
      assert.equal(a("unhealthy-hosts").threshold, 0);
      assert.equal(a("p99-latency").metricName, "TargetResponseTime");
      assert.equal(a("p99-latency").extendedStatistic, "p99");
      for (const k of ["target-5xx", "unhealthy-hosts", "p99-latency"]) {
        assert.equal(a(k).namespace, "AWS/ApplicationELB");
        assert.deepEqual(a(k).dimensions, { LoadBalancer: alb, TargetGroup: tg });
        assert.equal(a(k).treatMissingData, "notBreaching");
      }
    });

    it("watches the service's CPU, and its memory against the hard limit", async () => {
      const { evaluation: e } = await evaluate({ taskMemory: 512, taskMemoryReservation: 256 });
      const service = { ClusterName: "apps", ServiceName: e.one("aws:ecs/service:Service").state.name };
      const cpu = e.named("api-cpu-high").inputs;
      assert.deepEqual([cpu.namespace, cpu.metricName, cpu.threshold], ["AWS/ECS", "CPUUtilization", 85]);
      assert.deepEqual(cpu.dimensions, service);
      const memory = e.named("api-memory-high").inputs;
      assert.deepEqual([memory.metricName, memory.statistic], ["MemoryUtilization", "Maximum"]);
      assert.deepEqual(memory.dimensions, service);
      // ECS reports memory against the 256 MiB reservation: 90% of the 512 MiB hard limit is 180% of it.
      assert.equal(memory.threshold, 180);
      assert.equal(
        memoryAlarmThreshold({ ...DEFAULT_THRESHOLDS, taskMemory: 1024, taskMemoryReservation: 1024 }),
        90,
      );
    });

    it("notices tasks stuck short of the desired count for 15 minutes, from Container Insights", async () => {
      const { evaluation: e } = await evaluate();
      const stuck = e.named("api-tasks-pending").inputs;
      const svc = e.one("aws:ecs/service:Service").state.name;
      const [desired, running, short] = stuck.metricQueries;
      assert.deepEqual(
        [desired.metric.namespace, desired.metric.metricName, running.metric.metricName],
        ["ECS/ContainerInsights", "DesiredTaskCount", "RunningTaskCount"],
      );
      assert.deepEqual(desired.metric.dimensions, { ClusterName: "apps", ServiceName: svc });
      assert.equal(short.expression, "desired - running");
      assert.equal(short.returnData, true);
      assert.deepEqual([stuck.evaluationPeriods, stuck.datapointsToAlarm, stuck.threshold], [15, 15, 1]);
      assert.equal(stuck.comparisonOperator, "GreaterThanOrEqualToThreshold");
      assert.equal(stuck.treatMissingData, "missing");
    });

    it("subscribes the alarm e-mail address only when one is given", async () => {
      assert.equal(
        (await evaluate()).evaluation.resourcesOfType("aws:sns/topicSubscription:TopicSubscription").length,
        0,
      );
      const { evaluation: e } = await evaluate({ alarmEmail: "ops@example.com" });
      const sub = e.one("aws:sns/topicSubscription:TopicSubscription").inputs;
      assert.deepEqual(
        [sub.protocol, sub.endpoint, sub.topic],
        ["email", "ops@example.com", e.one("aws:sns/topic:Topic").state.arn],
      );
    });

    it("graphs requests, latency, errors, tasks and instances, and shows the alarms", async () => {
      const { evaluation: e } = await evaluate();
      const dashboard = e.one("aws:cloudwatch/dashboard:Dashboard");
      const body = JSON.parse(dashboard.inputs.dashboardBody);
      const metricsOf = (title: string) => {
        const widget = body.widgets.find(
          (w: { properties: { title: string } }) => w.properties.title === title,
        );
        assert.ok(widget, `no widget "${title}"`);
        return widget.properties.metrics.map((m: unknown[]) => m.slice(0, 2).join(" "));
      };
      assert.deepEqual(metricsOf("Requests per minute"), [
        "AWS/ApplicationELB RequestCount",
        "AWS/ApplicationELB RequestCountPerTarget",
      ]);
      assert.deepEqual(
        metricsOf("Target response time (seconds)"),
        Array(3).fill("AWS/ApplicationELB TargetResponseTime"),
      );
      assert.ok(metricsOf("Errors per minute").includes("AWS/ApplicationELB HTTPCode_Target_5XX_Count"));
      assert.ok(metricsOf("Tasks").includes("ECS/ContainerInsights RunningTaskCount"));
      assert.ok(metricsOf("Container instances").includes("AWS/AutoScaling GroupInServiceInstances"));
      const text = dashboard.inputs.dashboardBody as string;
      for (const needle of ["apps-asg", e.one("aws:lb/loadBalancer:LoadBalancer").state.arnSuffix]) {
        assert.ok(text.includes(needle), needle);
      }
      const alarmWidget = body.widgets.find((w: { type: string }) => w.type === "alarm");
      assert.deepEqual(
        alarmWidget.properties.alarms,
        e.resourcesOfType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.state.arn),
      );
      assert.equal(dashboard.inputs.dashboardName, "ecs-json-api-test-api");
      assert.equal(
        e.outputs.dashboardUrl,
        "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/ecs-json-api-test-api",
      );
    });

    it("defines the alarms from the dimensions it is given", () => {
      const specs = alarmSpecs(
        {
          albArnSuffix: "app/a/1",
          targetGroupArnSuffix: "targetgroup/t/2",
          clusterName: "c",
          serviceName: "s",
        },
        {
          errorsPerMinute: 5,
          p99Seconds: 1,
          cpuPercent: 85,
          memoryOfHardLimitPercent: 90,
          taskMemory: 512,
          taskMemoryReservation: 512,
        },
      );
      assert.deepEqual(Object.keys(specs), KEYS);
      assert.equal(specs["memory-high"].threshold, 90);
    });
  });

  describe("access logs", () => {
    it("creates no log bucket when access logs are off", async () => {
      const { evaluation: e } = await evaluate();
      assert.equal(e.resourcesOfType("aws:s3/bucket:Bucket").length, 0);
      assert.equal(e.one("aws:lb/loadBalancer:LoadBalancer").inputs.accessLogs, undefined);
    });

    it("writes access logs to a private, owner-enforced, SSE-S3, versioned, expiring bucket", async () => {
      const { evaluation: e } = await evaluate({ albAccessLogs: true, logRetentionDays: 90 });
      const bucket = e.one("aws:s3/bucket:Bucket");
      assert.deepEqual(e.one("aws:lb/loadBalancer:LoadBalancer").inputs.accessLogs, {
        bucket: bucket.state.bucket,
        enabled: true,
      });
      const pab = e.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
      assert.deepEqual(
        [
          pab.bucket,
          pab.blockPublicAcls,
          pab.blockPublicPolicy,
          pab.ignorePublicAcls,
          pab.restrictPublicBuckets,
        ],
        [bucket.state.id, true, true, true, true],
      );
      assert.deepEqual(e.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule, {
        objectOwnership: "BucketOwnerEnforced",
      });
      assert.deepEqual(
        e.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs
          .rules,
        [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      );
      assert.deepEqual(e.one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration, {
        status: "Enabled",
      });
      const lifecycle = e.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
      const [rule] = lifecycle.inputs.rules;
      assert.equal(rule.status, "Enabled");
      assert.deepEqual(rule.expiration, { days: 90 });
      assert.deepEqual(rule.noncurrentVersionExpiration, { noncurrentDays: 1 });
      assert.deepEqual(lifecycle.options.dependsOn, ["api-access-logs-versioning"]);
      assert.equal(bucket.inputs.forceDestroy, true);
    });

    it("lets only ELB log delivery write, under this account's prefix, and denies requests without TLS", async () => {
      const { evaluation: e } = await evaluate({ albAccessLogs: true });
      const bucket = e.one("aws:s3/bucket:Bucket").state;
      const policy = JSON.parse(e.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
      const [allow, deny] = policy.Statement;
      assert.deepEqual(allow.Principal, { Service: ELB_LOG_DELIVERY_PRINCIPAL });
      assert.equal(ELB_LOG_DELIVERY_PRINCIPAL, "logdelivery.elasticloadbalancing.amazonaws.com");
      assert.equal(allow.Action, "s3:PutObject");
      assert.equal(allow.Resource, `${bucket.arn}/AWSLogs/${ACCOUNT_ID}/*`);
      assert.equal(deny.Effect, "Deny");
      assert.deepEqual(deny.Condition, { Bool: { "aws:SecureTransport": "false" } });
      assert.deepEqual(deny.Resource, [bucket.arn, `${bucket.arn}/*`]);
      assert.deepEqual(policy, accessLogBucketPolicy(bucket.arn, ACCOUNT_ID));
    });

    it("enables logging only after the bucket's policy and settings are in place", async () => {
      const { evaluation: e } = await evaluate({ albAccessLogs: true });
      assert.deepEqual([...e.one("aws:lb/loadBalancer:LoadBalancer").options.dependsOn].sort(), [
        "api-access-logs-encryption",
        "api-access-logs-lifecycle",
        "api-access-logs-ownership",
        "api-access-logs-policy",
        "api-access-logs-public-access",
        "api-access-logs-versioning",
      ]);
    });

    it("keeps a non-empty log bucket on destroy when deletion protection is on", async () => {
      const { evaluation: e } = await evaluate({ albAccessLogs: true, deletionProtection: true });
      assert.equal(e.one("aws:s3/bucket:Bucket").inputs.forceDestroy, false);
    });
  });

  describe("wiring", () => {
    it("registers every AWS child under the component with the component's own provider", async () => {
      const { evaluation: e } = await evaluate({
        ...VARIANTS.domain,
        albAccessLogs: true,
        alarmEmail: "ops@example.com",
      });
      const component = e.one("ecs-json-api:service:LoadBalancedService");
      const children = e.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
      assert.ok(children.length > 38);
      for (const child of children) {
        assert.deepEqual(child.parent, { type: component.type, name: component.name }, child.name);
        const provider = e.providerOf(child);
        assert.equal(provider?.name, "api-aws", child.name);
      }
      assert.deepEqual(JSON.parse(e.providerOf(children[0])?.inputs.defaultTags), {
        tags: { project: "ecs-json-api", stack: "test", component: "LoadBalancedService" },
      });
    });

    it("names every child after the component, so two instances do not collide", async () => {
      const { evaluation: e } = await evaluate({ ...VARIANTS.domain, albAccessLogs: true });
      for (const r of e.resources.filter((x) => x.parent)) assert.match(r.name, /^api-/);
    });

    it("exports what an operator and the composition root need", async () => {
      const { evaluation: e } = await evaluate();
      const o = e.outputs;
      assert.equal(o.albDnsName, e.one("aws:lb/loadBalancer:LoadBalancer").state.dnsName);
      assert.equal(o.albArn, e.one("aws:lb/loadBalancer:LoadBalancer").state.arn);
      assert.equal(o.serviceName, e.one("aws:ecs/service:Service").state.name);
      assert.equal(o.targetGroupArn, e.one("aws:lb/targetGroup:TargetGroup").state.arn);
      assert.equal(o.dashboardName, "ecs-json-api-test-api");
      assert.equal(o.executionRoleArn, e.named("api-execution-role").state.arn);
      assert.equal(o.tasksPerInstance, 8);
    });
  });

  describe("arguments", () => {
    it("applies the stack schema's defaults", () => {
      const r = resolveServiceArgs(BASE);
      assert.deepEqual(
        [
          r.containerPort,
          r.taskCpu,
          r.taskMemory,
          r.taskMemoryReservation,
          r.desiredTasks,
          r.minTasks,
          r.maxTasks,
        ],
        [8080, 256, 512, 256, 2, 1, 6],
      );
      assert.deepEqual(
        [
          r.cpuTargetPercent,
          r.requestsPerTarget,
          r.albIdleTimeout,
          r.albAccessLogs,
          r.deletionProtection,
          r.logRetentionDays,
        ],
        [60, 1000, 60, false, false, 7],
      );
      assert.deepEqual([r.logLevel, r.shutdownTimeoutMs, r.tls], ["info", 20000, "none"]);
      assert.equal(r.tasksPerInstance, 8);
    });

    it("chooses how TLS is terminated", () => {
      assert.equal(resolveServiceArgs({ ...BASE, certificateArn: CERT }).tls, "certificate");
      assert.equal(resolveServiceArgs({ ...BASE, ...VARIANTS.domain }).tls, "acm");
      assert.equal(
        resolveServiceArgs({ ...BASE, ...VARIANTS.domain, certificateArn: CERT }).tls,
        "certificate",
      );
      assert.equal(resolveServiceArgs({ ...BASE, certificateArn: "" }).tls, "none");
    });

    it("reports every problem at once", () => {
      assert.throws(
        () =>
          resolveServiceArgs({
            ...BASE,
            containerPort: 80,
            minTasks: 4,
            maxTasks: 3,
            desiredTasks: 2,
            taskMemory: 256,
            taskMemoryReservation: 512,
            logRetentionDays: 10,
            hostedZoneId: "Z0123456789ABC",
            logLevel: "verbose",
            shutdownTimeoutMs: 115_000,
          }),
        {
          message:
            "LoadBalancedService: containerPort = 80 is not allowed; expected a whole number from 1024 to 65535; " +
            "logRetentionDays = 10 is not allowed; expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653; " +
            'logLevel = "verbose" is not allowed; expected one of fatal, error, warn, info, debug, trace, silent; ' +
            "shutdownTimeoutMs = 115000 is not allowed; expected a whole number from 5001 (above the service's request budget) to 110000 (the container's stopTimeout, 10 s above it, stays within 120 s); " +
            "maxTasks = 3 is below minTasks = 4; " +
            "desiredTasks = 2 is below minTasks = 4; " +
            "taskMemoryReservation = 512 is above taskMemory = 256; the soft limit must not exceed the hard limit; " +
            'hostedZoneId = "Z0123456789ABC" is set without domainName; set both or neither',
        },
      );
    });

    it("keeps the drain time above the service's 5 s request budget, which the service itself insists on", () => {
      assert.equal(resolveServiceArgs({ ...BASE, shutdownTimeoutMs: 5001 }).shutdownTimeoutMs, 5001);
      assert.throws(() => resolveServiceArgs({ ...BASE, shutdownTimeoutMs: 5000 }), {
        message:
          "LoadBalancedService: shutdownTimeoutMs = 5000 is not allowed; expected a whole number from 5001 (above the service's request budget) to 110000 (the container's stopTimeout, 10 s above it, stays within 120 s)",
      });
    });

    it("refuses a domain it can neither certify nor serve, and malformed names", () => {
      assert.throws(() => resolveServiceArgs({ ...BASE, domainName: "api.example.com" }), {
        message:
          'LoadBalancedService: domainName = "api.example.com" needs hostedZoneId (for a DNS-validated certificate) or certificateArn',
      });
      assert.throws(() => resolveServiceArgs({ ...BASE, certificateArn: "not-an-arn", alarmEmail: "ops" }), {
        message:
          'LoadBalancedService: certificateArn = "not-an-arn" is not allowed; expected an ACM certificate ARN; ' +
          'alarmEmail = "ops" is not allowed; expected an e-mail address',
      });
    });

    it("refuses fewer than two public subnets, which an ALB cannot span", () => {
      assert.throws(() => resolveServiceArgs({ ...BASE, publicSubnetIds: ["subnet-public-a"] }), {
        message:
          "LoadBalancedService: publicSubnetIds has 1; an ALB needs subnets in at least two Availability Zones",
      });
    });

    it("refuses an instance type it cannot size tasks for", () => {
      assert.throws(
        () => resolveServiceArgs({ ...BASE, instanceType: "x1.tiny" }),
        (err: Error) => {
          assert.match(
            err.message,
            /^LoadBalancedService: instanceType = "x1.tiny" is not a supported instance type; supported: t3.small, /,
          );
          return true;
        },
      );
    });

    it("fails the program when a task cannot fit on one instance", async () => {
      const message =
        "LoadBalancedService: a task does not fit on one t3.small instance: 2048 MiB (memoryReservation) > 1843 MiB available for tasks; choose a larger instanceType or a smaller task";
      assert.throws(
        () =>
          resolveServiceArgs({
            ...BASE,
            instanceType: "t3.small",
            taskMemory: 2048,
            taskMemoryReservation: 2048,
          }),
        { message },
      );
      await assert.rejects(
        runUnderMocks(
          () =>
            new LoadBalancedService("api", {
              ...BASE,
              instanceType: "t3.small",
              taskMemory: 2048,
              taskMemoryReservation: 2048,
            }),
        ),
        { message },
      );
    });

    it("fails the program when maxTasks cannot fit on maxInstances", () => {
      assert.throws(() => resolveServiceArgs({ ...BASE, maxTasks: 30, maxInstances: 3 }), {
        message:
          "LoadBalancedService: maxTasks = 30 cannot fit on maxInstances = 3: 8 per t3.medium (by memory 3686 / 256 MiB = 14, by CPU 2048 / 256 units = 8), so at most 24 tasks; raise maxInstances to 4 or lower maxTasks",
      });
    });

    it("skips the capacity check when the task's own sizes are already wrong", () => {
      assert.throws(() => resolveServiceArgs({ ...BASE, taskCpu: 100_000 }), {
        message:
          "LoadBalancedService: taskCpu = 100000 is not allowed; expected a whole number from 128 to 16384",
      });
    });
  });
});
