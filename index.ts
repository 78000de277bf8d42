/**
 * The composition root: reads the stack's typed config once, creates the components, and exports what an
 * operator needs. `pulumi up` runs this for the selected stack; the tests and the offline plan evaluate it under
 * mocks through lib/harness.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Dashboard } from "./components/dashboard";
import { DeploymentHook } from "./components/deploymentHook";
import { EcsCluster } from "./components/ecsCluster";
import { permissionsBoundaryArn } from "./components/iam";
import { jsonApi, jsonApiSmokeChecks } from "./components/jsonApi";
import { JsonBucket } from "./components/jsonBucket";
import { LoadBalancedService } from "./components/loadBalancedService";
import { DEFAULT_TEST_LISTENER_PORT, LoadBalancer } from "./components/loadBalancer";
import { Monitoring } from "./components/monitoring";
import { Network } from "./components/network";
import { Registry } from "./components/registry";
import { loadStackConfig } from "./stacks/config";

const config = loadStackConfig();
const v = config.values;
/** Region and default tags every component's provider uses. */
const common = { region: config.region, tags: config.tags };
const name = `api-${config.stack}`;
/** Every role the program creates carries the boundary the bootstrap made for it (components/iam.ts). */
const permissionsBoundary = pulumi
  .all([aws.getPartitionOutput().partition, aws.getCallerIdentityOutput().accountId])
  .apply(([partition, account]) => permissionsBoundaryArn(partition, account, pulumi.getProject()));

const network = new Network(`${name}-net`, { ...common, ...v, permissionsBoundary });

const documents = new JsonBucket(`${name}-docs`, {
  ...common,
  ...v,
  accessLogs: v.bucketAccessLogs,
});

const cluster = new EcsCluster(`${name}-cluster`, { ...common, ...v, network, permissionsBoundary });

const registry = new Registry(`${name}-registry`, {
  ...common,
  services: Object.fromEntries(config.services.map((s) => [s.name, s.source])),
  architecture: cluster.architecture,
  release: config.release,
  buildImages: v.buildImages,
  imageRepositoryName: v.imageRepositoryName,
});

const monitoring = new Monitoring(`${name}-monitoring`, { ...common, alarmEmail: v.alarmEmail });

const loadBalancer = new LoadBalancer(`${name}-lb`, {
  ...common,
  ...v,
  network,
  cluster,
  idleTimeout: v.albIdleTimeout,
  accessLogs: v.albAccessLogs,
  alarmTopicArn: monitoring.alarmTopicArn,
  // Blue-green, canary and linear deployments send test traffic through a listener only the VPC can reach.
  testListenerPort: config.managedDeployments ? DEFAULT_TEST_LISTENER_PORT : 0,
  vpcCidrBlock: network.vpcCidrBlock,
  permissionsBoundary,
});

/** The smoke test a managed deployment runs before production traffic moves (one function for all services). */
const hook = config.managedDeployments
  ? new DeploymentHook(`${name}-hook`, {
      ...common,
      network,
      testListenerPort: loadBalancer.testListenerPort,
      logRetentionDays: v.logRetentionDays,
      permissionsBoundary,
    })
  : undefined;

const serviceComponents = config.services.map((s) => {
  const app =
    s.kind === "json-api"
      ? jsonApi({
          ...v,
          documents,
          idleTimeoutSeconds: loadBalancer.idleTimeout,
          region: config.region,
          containerPort: s.args.containerPort,
        })
      : {
          container: {
            environment: s.container?.environment,
            user: s.container?.user,
            stopTimeoutSeconds: s.container?.stopTimeoutSeconds,
          },
          taskPolicy: s.container?.reads === "documents" ? documents.readPolicy : undefined,
        };
  return new LoadBalancedService(`${name}-${s.name}`, {
    ...common,
    ...s.args,
    containerName: s.name,
    cluster,
    loadBalancer,
    route: s.route,
    image: registry.images[s.name],
    container: app.container,
    taskPolicy: app.taskPolicy,
    alarmTopicArn: monitoring.alarmTopicArn,
    permissionsBoundary,
    logRetentionDays: v.logRetentionDays,
    deployment: s.deployment,
    // The API's first tasks (and its smoke test) read the seeded documents.
    ready: s.kind === "json-api" ? documents.documents : [],
    smokeTest: hook
      ? {
          functionArn: hook.functionArn,
          invokeRoleArn: hook.invokeRoleArn,
          checks:
            s.kind === "json-api"
              ? jsonApiSmokeChecks(documents.sample)
              : [{ path: s.args.healthCheckPath, status: 200 }],
        }
      : undefined,
  });
});
const api = serviceComponents[0];

const dashboard = new Dashboard(`${name}-dashboard`, {
  ...common,
  albArnSuffix: loadBalancer.arnSuffix,
  clusterName: cluster.clusterName,
  autoScalingGroupName: cluster.autoScalingGroupName,
  services: config.services.map((s, i) => ({
    name: s.name,
    serviceName: serviceComponents[i].serviceName,
    targetGroupArnSuffixes: serviceComponents[i].targetGroupArnSuffixes,
  })),
  alarmArns: [...loadBalancer.alarms, ...serviceComponents.flatMap((s) => s.alarms)].map((a) => a.arn),
});

/** The stack this program was evaluated for. */
export const stackName = config.stack;
/** The AWS region of every resource. */
export const region = config.region;
/** Where to call the services, e.g. `${url}/api/foo`. */
export const url = loadBalancer.url;
/** The load balancer's DNS name (the target of a CNAME or alias). */
export const albDnsName = loadBalancer.dnsName;
/** The ECS cluster. */
export const clusterName = cluster.clusterName;
/** The API's ECS service. */
export const serviceName = api.serviceName;
/** The Auto Scaling group of the container instances (instance refresh, scale). */
export const autoScalingGroupName = cluster.autoScalingGroupName;
/** The bucket the documents are read from. */
export const bucketName = documents.bucketName;
/** The key prefix of the documents inside the bucket. */
export const keyPrefix = documents.keyPrefix;
/** How many documents the program seeded from the content folder. */
export const documentCount = documents.documentCount;
/** The API's image, pinned by digest. */
export const imageRef = registry.images.api;
/** Every service's image, pinned by digest: what `ecs-json-api:release` of another stack deploys. */
export const release = registry.release;
/**
 * Each service: the load balancer's URL, the path its health is checked on (the smoke test requests it through
 * the load balancer, so a service's routes should include it), how CI smoke-tests it, and its routes.
 */
export const services = loadBalancer.url.apply((url) =>
  Object.fromEntries(
    config.services.map((s, i) => [
      s.name,
      {
        url,
        healthCheckPath: serviceComponents[i].healthCheckPath,
        smokeTest: s.kind === "json-api" ? "json-api" : "health",
        deploymentStrategy: s.deployment.deploymentStrategy,
        paths: s.route.paths,
        hosts: s.route.hosts,
      },
    ]),
  ),
);
/** The API's log group (`aws logs tail <name> --follow`). */
export const logGroupName = api.logGroupName;
/** The CloudWatch dashboard. */
export const dashboardUrl = dashboard.url;
/** The SNS topic every alarm notifies. */
export const alarmTopicArn = monitoring.alarmTopicArn;
/** How many of the API's tasks fit on one container instance. */
export const tasksPerInstance = api.tasksPerInstance;
/** The VPC. */
export const vpcId = network.vpcId;
