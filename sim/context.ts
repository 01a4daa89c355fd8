/** What every simulated service sees of the cloud it lives in. */
import type { AppBehaviours } from './apps.js';
import type { VirtualClock } from './clock.js';
import type { Hooks } from './hooks.js';
import type { Ids } from './ids.js';
import type { LambdaRuntime } from './lambda.js';
import type { Latency } from './latency.js';
import type { Rng } from './rng.js';
import type { AutoScalingSim } from './services/autoscaling.js';
import type { CloudWatchSim } from './services/cloudwatch.js';
import type { DynamoDbSim } from './services/dynamodb.js';
import type { Ec2Sim } from './services/ec2.js';
import type { ElbSim } from './services/elbv2.js';
import type { EventBridgeSim } from './services/eventbridge.js';
import type { S3Sim } from './services/s3.js';
import type { SchedulerSim } from './services/scheduler.js';
import type { SfnSim } from './services/sfn.js';
import type { SsmSim } from './services/ssm.js';

export interface SimContext {
  readonly region: string;
  readonly accountId: string;
  readonly clock: VirtualClock;
  readonly rng: Rng;
  readonly ids: Ids;
  readonly apps: AppBehaviours;
  readonly hooks: Hooks;
  readonly ec2: Ec2Sim;
  readonly autoscaling: AutoScalingSim;
  readonly elb: ElbSim;
  readonly s3: S3Sim;
  readonly events: EventBridgeSim;
  readonly scheduler: SchedulerSim;
  readonly dynamodb: DynamoDbSim;
  readonly ssm: SsmSim;
  readonly cloudwatch: CloudWatchSim;
  readonly sfn: SfnSim;
  readonly lambda: LambdaRuntime;
  /** Undefined: no latency charged. */
  readonly latency?: Latency | undefined;
}
