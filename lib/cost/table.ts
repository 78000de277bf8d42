/**
 * How every resource type is priced: an estimator, or an explicit reason it costs nothing by itself (free, or
 * counted on another type). A type missing here is a gap the tests catch: every type the committed stacks (and
 * prod's HTTPS variants) create must have an entry. Component resources and Pulumi's own (stack, providers) are
 * not AWS resources: their children are priced.
 */
import { autoScalingGroup } from "./estimators/compute";
import { awsxVpc, eip, loadBalancer, natGateway, vpcEndpoint } from "./estimators/network";
import {
  capacityProvider,
  cluster,
  dashboard,
  logGroup,
  metricAlarm,
  scalingPolicy,
} from "./estimators/observability";
import {
  discoveryService,
  hostedZone,
  kmsKey,
  lambdaFunction,
  privateDnsNamespace,
  ssmParameter,
} from "./estimators/other";
import { bucket, bucketLogging, repository } from "./estimators/storage";
import { type Entry, free, included } from "./lineItems";

const IAM = "IAM has no charge";
const SECURITY_GROUPS = "security groups and their rules have no charge";
const BUCKET_SETTING = "a bucket setting has no charge";
const VPC_PLUMBING = "VPCs, subnets, gateways to the internet and route tables have no charge";

/** Entries by type token. */
export const PRICING: Readonly<Record<string, Entry>> = {
  // Compute.
  "aws:autoscaling/group:Group": autoScalingGroup,
  "aws:ec2/launchTemplate:LaunchTemplate": included(
    "aws:autoscaling/group:Group",
    "a template has no charge; its instances and volumes are priced on the Auto Scaling group",
  ),
  "aws:ecs/cluster:Cluster": cluster,
  "aws:ecs/capacityProvider:CapacityProvider": capacityProvider,
  "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": free("an association has no charge"),
  "aws:ecs/service:Service": free(
    "ECS has no charge on EC2: tasks run on the instances the Auto Scaling group pays for",
  ),
  "aws:ecs/taskDefinition:TaskDefinition": free("a task definition has no charge"),
  "aws:appautoscaling/target:Target": free("Application Auto Scaling has no charge"),
  "aws:appautoscaling/policy:Policy": scalingPolicy,
  "aws:lambda/function:Function": lambdaFunction,
  "aws:lambda/permission:Permission": free("a resource policy statement has no charge"),
  "docker:index/image:Image": free(
    "built on the deploying machine and pushed; the repository's storage is priced on aws:ecr/repository:Repository",
  ),

  // Network.
  "awsx:ec2:Vpc": awsxVpc,
  "aws:ec2/vpc:Vpc": free(VPC_PLUMBING),
  "aws:ec2/subnet:Subnet": free(VPC_PLUMBING),
  "aws:ec2/internetGateway:InternetGateway": free(VPC_PLUMBING),
  "aws:ec2/routeTable:RouteTable": free(VPC_PLUMBING),
  "aws:ec2/routeTableAssociation:RouteTableAssociation": free(VPC_PLUMBING),
  "aws:ec2/route:Route": free(VPC_PLUMBING),
  "aws:ec2/natGateway:NatGateway": natGateway,
  "aws:ec2/eip:Eip": eip,
  "aws:ec2/vpcEndpoint:VpcEndpoint": vpcEndpoint,
  "aws:ec2/flowLog:FlowLog": included(
    "aws:cloudwatch/logGroup:LogGroup",
    "its records are priced as vended-log ingestion and storage of the destination log group",
  ),
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": free(SECURITY_GROUPS),
  "aws:ec2/securityGroup:SecurityGroup": free(SECURITY_GROUPS),
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": free(SECURITY_GROUPS),
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": free(SECURITY_GROUPS),
  "aws:lb/loadBalancer:LoadBalancer": loadBalancer,
  "aws:lb/listener:Listener": free("a listener has no charge: traffic is priced in the load balancer's LCUs"),
  "aws:lb/listenerRule:ListenerRule": included(
    "aws:lb/loadBalancer:LoadBalancer",
    "rules beyond the first 10 count as rule evaluations in the load balancer's LCUs",
  ),
  "aws:lb/targetGroup:TargetGroup": free("a target group has no charge"),
  "aws:route53/zone:Zone": hostedZone,
  "aws:route53/record:Record": free(
    "a record has no charge; queries of alias records to AWS resources are free, and the others are queried only by ACM's renewals",
  ),
  "aws:acm/certificate:Certificate": free("public ACM certificates have no charge"),
  "aws:acm/certificateValidation:CertificateValidation": free(
    "a wait for DNS validation, not an AWS resource",
  ),
  "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": privateDnsNamespace,
  "aws:servicediscovery/service:Service": discoveryService,

  // Observability.
  "aws:cloudwatch/logGroup:LogGroup": logGroup,
  "aws:cloudwatch/metricAlarm:MetricAlarm": metricAlarm,
  "aws:cloudwatch/dashboard:Dashboard": dashboard,
  "aws:sns/topic:Topic": free(
    "a topic has no charge; alarm notifications are priced per delivery (e-mail: $0.00002 in the table), a few a month",
  ),
  "aws:sns/topicSubscription:TopicSubscription": free(
    "a subscription has no charge; see aws:sns/topic:Topic",
  ),
  "aws:sns/topicPolicy:TopicPolicy": free("a topic policy has no charge"),

  // Storage.
  "aws:s3/bucket:Bucket": bucket,
  "aws:s3/bucketV2:BucketV2": bucket,
  "aws:s3/bucketObjectv2:BucketObjectv2": included(
    "aws:s3/bucket:Bucket",
    "its storage is priced on its bucket",
  ),
  "aws:s3/bucketObject:BucketObject": included("aws:s3/bucket:Bucket", "its storage is priced on its bucket"),
  "aws:s3/bucketLogging:BucketLogging": bucketLogging,
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": free(BUCKET_SETTING),
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": free(BUCKET_SETTING),
  "aws:s3/bucketPolicy:BucketPolicy": free(BUCKET_SETTING),
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": free(BUCKET_SETTING),
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
    free(BUCKET_SETTING),
  "aws:s3/bucketVersioning:BucketVersioning": free(BUCKET_SETTING),
  "aws:ecr/repository:Repository": repository,
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": free(
    "a lifecycle policy has no charge; it bounds the repository's storage, priced there",
  ),
  "aws:kms/key:Key": kmsKey,
  "aws:kms/alias:Alias": free("an alias has no charge"),
  "aws:ssm/parameter:Parameter": ssmParameter,

  // Identity.
  "aws:iam/role:Role": free(IAM),
  "aws:iam/rolePolicy:RolePolicy": free(IAM),
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": free(IAM),
  "aws:iam/policy:Policy": free(IAM),
  "aws:iam/instanceProfile:InstanceProfile": free(IAM),
};

const NOT_AWS: Entry = free("not an AWS resource: a component's or Pulumi's own, whose children are priced");

/** How a resource is priced, or undefined when the table has no entry for its type. */
export function entryFor(resource: { type: string; custom: boolean }): Entry | undefined {
  if (Object.hasOwn(PRICING, resource.type)) return PRICING[resource.type];
  if (resource.type.startsWith("pulumi:") || !resource.custom) return NOT_AWS;
  return undefined;
}
