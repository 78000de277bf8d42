/** EC2 and VPC: the launch template, flow logs, VPC endpoints and awsx's VPC. (Security groups: securityGroups.ts.) */
import * as awsxEnums from "@pulumi/awsx/types/enums";
import { defaultAutoName } from "../autoname";
import { apiReference, botocore } from "../botocore";
import type { TypeConstraints } from "../model";
import { crossField, custom, length, oneOf, pattern, range } from "../rules";
import { NO_CONSTRAINT, tagRules } from "./common";
import { doc, vpcCidrSize } from "./docs";

export const EC2_TAGS = tagRules({ ec2: true });

/** An IPv4 CIDR block, a.b.c.d/n. */
export const CIDR_V4 =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;

const ebsSize = apiReference(
  "ec2",
  "LaunchTemplateEbsBlockDeviceRequest.VolumeSize",
  "The following are the supported volumes sizes for each volume type: gp2: 1 - 16,384 GiB gp3: 1 - 65,536 GiB io1: 4 - 16,384 GiB io2: 4 - 65,536 GiB st1 and sc1: 125 - 16,384 GiB standard: 1 - 1024 GiB",
);
const EBS_SIZES: Record<string, [number, number]> = {
  gp2: [1, 16384],
  gp3: [1, 65536],
  io1: [4, 16384],
  io2: [4, 65536],
  st1: [125, 16384],
  sc1: [125, 16384],
  standard: [1, 1024],
};

/** An interface or gateway endpoint's service name, on aws.ec2.VpcEndpoint and in awsx's vpcEndpointSpecs alike. */
const endpointServiceName = pattern(
  /com\.amazonaws\.[a-z0-9-]+\.[a-z0-9.-]+/,
  "com.amazonaws.<region>.<service>",
  doc(
    "https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html",
    "AWS services that integrate with AWS PrivateLink",
  ),
  ["s3", "com.amazonaws.s3", "amazonaws.com.eu-west-1.s3"],
);

const booleanString = (member: string, quote: string) =>
  oneOf(["true", "false"], apiReference("ec2", member, quote));

export const EC2: Record<string, TypeConstraints> = {
  "aws:ec2/launchTemplate:LaunchTemplate": {
    autoName: defaultAutoName(),
    fields: {
      name: [botocore("ec2", "CreateLaunchTemplateRequest.LaunchTemplateName")],
      description: [botocore("ec2", "CreateLaunchTemplateRequest.VersionDescription")],
      instanceType: [botocore("ec2", "RequestLaunchTemplateData.InstanceType")],
      imageId: [
        pattern(
          /ami-[0-9a-f]{8}([0-9a-f]{9})?/,
          "ami- and 8 or 17 hex digits",
          doc("https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html", "Resource IDs"),
          [
            "ami-0123",
            "ami-0123456789ABCDEF0",
            "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
          ],
        ),
      ],
      userData: [
        custom(
          "base64 of at most 16 KB (16,384 bytes) of user data",
          apiReference(
            "ec2",
            "RequestLaunchTemplateData.UserData",
            "You must provide base64-encoded text. User data is limited to 16 KB.",
          ),
          (v) => {
            if (typeof v !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) return "is not base64";
            const bytes = Buffer.from(v, "base64").length;
            return bytes > 16384 ? `decodes to ${bytes} bytes` : undefined;
          },
          [
            "#!/bin/bash\necho ECS_CLUSTER=app >> /etc/ecs/ecs.config",
            Buffer.alloc(16385, 1).toString("base64"),
          ],
        ),
      ],
      "metadataOptions.httpEndpoint": [
        botocore("ec2", "LaunchTemplateInstanceMetadataOptionsRequest.HttpEndpoint"),
      ],
      "metadataOptions.httpTokens": [
        botocore("ec2", "LaunchTemplateInstanceMetadataOptionsRequest.HttpTokens"),
      ],
      "metadataOptions.httpPutResponseHopLimit": [
        range(
          1,
          64,
          apiReference(
            "ec2",
            "LaunchTemplateInstanceMetadataOptionsRequest.HttpPutResponseHopLimit",
            "Possible values: Integers from 1 to 64",
          ),
          { integer: true },
        ),
      ],
      "metadataOptions.instanceMetadataTags": [
        botocore("ec2", "LaunchTemplateInstanceMetadataOptionsRequest.InstanceMetadataTags"),
      ],
      "blockDeviceMappings[].deviceName": [
        pattern(
          /\/dev\/(sd[a-z]|xvd[a-z]{1,2}|nvme\d+n\d+)/,
          "a Linux device name /dev/sd[a-z], /dev/xvd[a-z]",
          doc(
            "https://docs.aws.amazon.com/ebs/latest/userguide/device_naming.html",
            "Device names for volumes on Amazon EC2 instances",
          ),
          ["xvda", "/dev/hda", "/dev/xvd1"],
        ),
      ],
      "blockDeviceMappings[].ebs.volumeType": [
        botocore("ec2", "LaunchTemplateEbsBlockDeviceRequest.VolumeType"),
      ],
      "blockDeviceMappings[].ebs.volumeSize": [range(1, 65536, ebsSize, { integer: true })],
      "blockDeviceMappings[].ebs.encrypted": [
        booleanString(
          "LaunchTemplateEbsBlockDeviceRequest.Encrypted",
          "Indicates whether the EBS volume is encrypted.",
        ),
      ],
      "blockDeviceMappings[].ebs.deleteOnTermination": [
        booleanString(
          "LaunchTemplateEbsBlockDeviceRequest.DeleteOnTermination",
          "Indicates whether the EBS volume is deleted on instance termination.",
        ),
      ],
      "blockDeviceMappings[].ebs.throughput": [
        range(
          125,
          2000,
          apiReference(
            "ec2",
            "LaunchTemplateEbsBlockDeviceRequest.Throughput",
            "Valid Range: Minimum value of 125. Maximum value of 2,000.",
          ),
          { integer: true },
        ),
      ],
      "networkInterfaces[].deleteOnTermination": [
        booleanString(
          "LaunchTemplateInstanceNetworkInterfaceSpecificationRequest.DeleteOnTermination",
          "Indicates whether the network interface is deleted when the instance is terminated.",
        ),
      ],
      "networkInterfaces[].associatePublicIpAddress": [
        booleanString(
          "LaunchTemplateInstanceNetworkInterfaceSpecificationRequest.AssociatePublicIpAddress",
          "Associates a public IPv4 address with eth0 for a new network interface.",
        ),
      ],
      "networkInterfaces[].deviceIndex": [
        range(
          0,
          undefined,
          apiReference(
            "ec2",
            "LaunchTemplateInstanceNetworkInterfaceSpecificationRequest.DeviceIndex",
            "The device index for the network interface attachment.",
          ),
          {
            integer: true,
          },
        ),
      ],
      "tagSpecifications[].resourceType": [
        botocore("ec2", "LaunchTemplateTagSpecificationRequest.ResourceType"),
      ],
      "tagSpecifications[].tags": EC2_TAGS,
    },
    unconstrained: {
      "iamInstanceProfile.arn": NO_CONSTRAINT.reference,
      "networkInterfaces[].securityGroups[]": NO_CONSTRAINT.reference,
      updateDefaultVersion: NO_CONSTRAINT.providerOnly,
    },
    resource: [
      crossField(
        ["blockDeviceMappings[].ebs.volumeType", "blockDeviceMappings[].ebs.volumeSize"],
        "the volume size within its type's range",
        ebsSize,
        (i) => {
          const mappings = Array.isArray(i.blockDeviceMappings) ? i.blockDeviceMappings : [];
          for (const [n, m] of mappings.entries()) {
            const ebs = (m as { ebs?: { volumeType?: string; volumeSize?: number } }).ebs;
            const limits = ebs?.volumeType ? EBS_SIZES[ebs.volumeType] : undefined;
            if (
              limits &&
              typeof ebs?.volumeSize === "number" &&
              (ebs.volumeSize < limits[0] || ebs.volumeSize > limits[1])
            ) {
              return {
                path: `blockDeviceMappings[${n}].ebs.volumeSize`,
                problem: `is outside ${ebs.volumeType}'s ${limits[0]}-${limits[1]} GiB`,
              };
            }
          }
          return undefined;
        },
        [
          { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeType: "st1", volumeSize: 30 } }] },
          {
            blockDeviceMappings: [
              { deviceName: "/dev/xvda", ebs: { volumeType: "standard", volumeSize: 2048 } },
            ],
          },
        ],
      ),
    ],
    tags: EC2_TAGS,
  },
  "aws:ec2/flowLog:FlowLog": {
    fields: {
      trafficType: [botocore("ec2", "CreateFlowLogsRequest.TrafficType")],
      logDestinationType: [botocore("ec2", "CreateFlowLogsRequest.LogDestinationType")],
      maxAggregationInterval: [
        oneOf(
          [60, 600],
          apiReference(
            "ec2",
            "CreateFlowLogsRequest.MaxAggregationInterval",
            "The possible values are 60 seconds (1 minute) or 600 seconds (10 minutes).",
          ),
        ),
      ],
      logFormat: [
        length(
          undefined,
          4096,
          apiReference(
            "ec2",
            "CreateFlowLogsRequest.LogFormat",
            "The fields to include in the flow log record.",
          ),
        ),
      ],
    },
    unconstrained: {
      vpcId: NO_CONSTRAINT.reference,
      iamRoleArn: NO_CONSTRAINT.reference,
      logDestination: NO_CONSTRAINT.reference,
    },
    tags: EC2_TAGS,
  },
  "aws:ec2/vpcEndpoint:VpcEndpoint": {
    fields: {
      vpcEndpointType: [botocore("ec2", "CreateVpcEndpointRequest.VpcEndpointType")],
      serviceName: [endpointServiceName],
    },
    unconstrained: {
      vpcId: NO_CONSTRAINT.reference,
      "securityGroupIds[]": NO_CONSTRAINT.reference,
      "subnetIds[]": NO_CONSTRAINT.reference,
      privateDnsEnabled: NO_CONSTRAINT.boolean,
    },
    tags: EC2_TAGS,
  },
  "awsx:ec2:Vpc": {
    fields: {
      cidrBlock: [
        pattern(CIDR_V4, "an IPv4 CIDR block", vpcCidrSize, ["10.0.0.0", "10.0.0/16", "300.0.0.0/16"]),
        custom(
          "a /16 to /28 netmask",
          vpcCidrSize,
          (v) => {
            const bits = Number(String(v).split("/")[1]);
            return bits >= 16 && bits <= 28 ? undefined : `has a /${bits} netmask`;
          },
          ["10.0.0.0/8", "10.0.0.0/29"],
        ),
      ],
      "subnetSpecs[].cidrMask": [range(16, 28, vpcCidrSize, { integer: true })],
      "subnetSpecs[].cidrBlocks[]": [
        pattern(CIDR_V4, "an IPv4 CIDR block", vpcCidrSize, ["10.0.0.0", "10.0.0/16", "300.0.0.0/16"]),
        custom(
          "a /16 to /28 netmask",
          vpcCidrSize,
          (v) => {
            const bits = Number(String(v).split("/")[1]);
            return bits >= 16 && bits <= 28 ? undefined : `has a /${bits} netmask`;
          },
          ["10.0.0.0/8", "10.0.0.0/29"],
        ),
      ],
      "subnetSpecs[].type": [oneOf(Object.values(awsxEnums.ec2.SubnetType), awsx("SubnetType"))],
      subnetStrategy: [
        oneOf(Object.values(awsxEnums.ec2.SubnetAllocationStrategy), awsx("SubnetAllocationStrategy")),
      ],
      "natGateways.strategy": [
        oneOf(Object.values(awsxEnums.ec2.NatGatewayStrategy), awsx("NatGatewayStrategy")),
      ],
      vpcEndpointStrategy: [
        oneOf(Object.values(awsxEnums.ec2.VpcEndpointStrategy), awsx("VpcEndpointStrategy")),
      ],
      "vpcEndpointSpecs[].vpcEndpointType": [botocore("ec2", "CreateVpcEndpointRequest.VpcEndpointType")],
      "vpcEndpointSpecs[].serviceName": [endpointServiceName],
    },
    unconstrained: {
      numberOfAvailabilityZones:
        "bounded by the zones the region has (getAvailabilityZones answers them); awsx creates one subnet of each spec per zone",
      enableDnsHostnames: NO_CONSTRAINT.boolean,
      enableDnsSupport: NO_CONSTRAINT.boolean,
    },
    tags: EC2_TAGS,
  },
};

/** An enum of the awsx package (its schema, generated into @pulumi/awsx/types/enums). */
function awsx(what: string) {
  return {
    kind: "provider" as const,
    ref: "@pulumi/awsx@3.9.0 types/enums/ec2",
    title: what,
    quote: "the enum the awsx component's schema declares",
  };
}
