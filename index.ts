/**
 * The composition root: reads the stack's typed config once, creates the five components, exports what an
 * operator needs. `pulumi up` runs this for the selected stack; the tests and the offline plan evaluate it under
 * mocks through lib/harness.
 */
import { EcsCluster } from "./components/ecsCluster";
import { JsonBucket } from "./components/jsonBucket";
import { LoadBalancedService } from "./components/loadBalancedService";
import { Network } from "./components/network";
import { Registry } from "./components/registry";
import { loadStackConfig } from "./stacks/config";

const config = loadStackConfig();
/** Region and default tags every component's provider uses. */
const common = { region: config.region, tags: config.tags };
const name = `api-${config.stack}`;

const network = new Network(`${name}-net`, {
  ...common,
  vpcCidr: config.vpcCidr,
  azCount: config.azCount,
  natStrategy: config.natStrategy,
  interfaceEndpoints: config.interfaceEndpoints,
  privateZoneName: config.privateZoneName,
  logRetentionDays: config.logRetentionDays,
});

const documents = new JsonBucket(`${name}-docs`, {
  ...common,
  contentDir: config.contentDir,
  keyPrefix: config.keyPrefix,
  bucketEncryption: config.bucketEncryption,
  noncurrentVersionDays: config.noncurrentVersionDays,
  deletionProtection: config.deletionProtection,
});

const registry = new Registry(`${name}-registry`, {
  ...common,
  architecture: config.architecture,
  imageRetainCount: config.imageRetainCount,
  image: config.image || undefined,
  deletionProtection: config.deletionProtection,
});

const cluster = new EcsCluster(`${name}-cluster`, {
  ...common,
  vpcId: network.vpcId,
  privateSubnetIds: network.privateSubnetIds,
  architecture: config.architecture,
  instanceType: config.instanceType,
  minInstances: config.minInstances,
  maxInstances: config.maxInstances,
  spot: config.spot,
  targetCapacity: config.targetCapacity,
  deletionProtection: config.deletionProtection,
});

const service = new LoadBalancedService(`${name}-svc`, {
  ...common,
  vpcId: network.vpcId,
  publicSubnetIds: network.publicSubnetIds,
  clusterArn: cluster.clusterArn,
  clusterName: cluster.clusterName,
  capacityProviderName: cluster.capacityProviderName,
  instanceSecurityGroupId: cluster.instanceSecurityGroupId,
  autoScalingGroupName: cluster.autoScalingGroupName,
  instanceType: config.instanceType,
  maxInstances: config.maxInstances,
  bucketName: documents.bucketName,
  keyPrefix: documents.keyPrefix,
  bucketReadPolicy: documents.readPolicy,
  imageRef: registry.imageRef,
  containerPort: config.containerPort,
  taskCpu: config.taskCpu,
  taskMemory: config.taskMemory,
  taskMemoryReservation: config.taskMemoryReservation,
  desiredTasks: config.desiredTasks,
  minTasks: config.minTasks,
  maxTasks: config.maxTasks,
  cpuTargetPercent: config.cpuTargetPercent,
  requestsPerTarget: config.requestsPerTarget,
  albIdleTimeout: config.albIdleTimeout,
  albAccessLogs: config.albAccessLogs,
  certificateArn: config.certificateArn || undefined,
  domainName: config.domainName || undefined,
  hostedZoneId: config.hostedZoneId || undefined,
  alarmEmail: config.alarmEmail || undefined,
  deletionProtection: config.deletionProtection,
  logRetentionDays: config.logRetentionDays,
});

/** The stack this program was evaluated for. */
export const stackName = config.stack;
/** The AWS region of every resource. */
export const region = config.region;
/** Where to call the API, e.g. `${url}/api/foo`. */
export const url = service.url;
/** The load balancer's DNS name (the target of a CNAME or alias). */
export const albDnsName = service.albDnsName;
/** The ECS cluster. */
export const clusterName = cluster.clusterName;
/** The ECS service. */
export const serviceName = service.serviceName;
/** The Auto Scaling group of the container instances (instance refresh, scale). */
export const autoScalingGroupName = cluster.autoScalingGroupName;
/** The bucket the documents are read from. */
export const bucketName = documents.bucketName;
/** The key prefix of the documents inside the bucket. */
export const keyPrefix = documents.keyPrefix;
/** How many documents the program seeded from the content folder. */
export const documentCount = documents.documentCount;
/** The ECR repository CI pushes to. */
export const repositoryUrl = registry.repositoryUrl;
/** The deployed image, pinned by digest; set `ecs-json-api:image` to this to promote or roll back. */
export const imageRef = registry.imageRef;
/** The service's log group (`aws logs tail <name> --follow`). */
export const logGroupName = service.logGroupName;
/** The CloudWatch dashboard. */
export const dashboardUrl = service.dashboardUrl;
/** The SNS topic every alarm notifies. */
export const alarmTopicArn = service.alarmTopicArn;
/** How many tasks fit on one container instance, from the capacity check. */
export const tasksPerInstance = service.tasksPerInstance;
/** The VPC. */
export const vpcId = network.vpcId;
