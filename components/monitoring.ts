/**
 * Monitoring: the SNS topic every alarm of the stack notifies, and who hears it. The topic is not
 * KMS-encrypted: CloudWatch cannot publish to a topic under the AWS-managed SNS key, and alarm notices carry
 * only metric names and values.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { argName, checkArgs, type Label, string, throwIfProblems } from "./args";
import { type CommonArgs, componentProvider } from "./provider";

/** Monitoring's arguments: each one's default, documentation and rule. */
export const MONITORING_ARGS = {
  alarmEmail: string("E-mail address subscribed to the alarm topic; empty subscribes nobody.", "", {
    pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
    patternDoc: "an e-mail address",
  }),
} as const;

export interface MonitoringArgs extends CommonArgs {
  /** E-mail address subscribed to the alarm topic (delivery starts once it is confirmed). Defaults to "" (nobody). */
  alarmEmail?: string;
}

/** Every problem with the arguments, each naming its argument through `label`. */
export function monitoringArgsProblems(args: MonitoringArgs, label: Label = argName): string[] {
  return checkArgs(MONITORING_ARGS, args, label).problems;
}

/** The alarm topic and its subscription. */
export class Monitoring extends pulumi.ComponentResource {
  /** The topic every alarm notifies. */
  readonly topic: aws.sns.Topic;
  /** Its ARN. */
  readonly alarmTopicArn: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-json-api:monitoring:Monitoring", name, {}, opts);
    throwIfProblems("Monitoring", monitoringArgsProblems(args));
    const { values } = checkArgs(MONITORING_ARGS, args);
    const provider = componentProvider(this, name, "Monitoring", args, opts);
    const o = { parent: this, provider };
    this.topic = new aws.sns.Topic(`${name}-alarms`, { displayName: `${pulumi.getProject()} alarms` }, o);
    if (values.alarmEmail) {
      // Delivery starts once the recipient confirms the e-mail AWS sends.
      new aws.sns.TopicSubscription(
        `${name}-alarms-email`,
        { topic: this.topic.arn, protocol: "email", endpoint: values.alarmEmail },
        o,
      );
    }
    this.alarmTopicArn = this.topic.arn;
    this.registerOutputs({ alarmTopicArn: this.alarmTopicArn });
  }
}
