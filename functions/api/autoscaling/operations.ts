import type { Operation } from '../ecs/operation.ts';
import { operation } from '../ecs/operation.ts';
import { describeScalingActivities } from '#shared/control/scaling-activities.ts';
import { deleteScalingPolicy, describeScalingPolicies, putScalingPolicy } from '#shared/control/scaling-policies.ts';
import {
  deleteScheduledAction,
  describeScheduledActions,
  putScheduledAction,
} from '#shared/control/scaling-scheduled-actions.ts';
import {
  deregisterScalableTarget,
  describeScalableTargets,
  registerScalableTarget,
} from '#shared/control/scaling-targets.ts';
import {
  deleteScalingPolicyRequest,
  deleteScheduledActionRequest,
  deregisterScalableTargetRequest,
  describeScalableTargetsRequest,
  describeScalingActivitiesRequest,
  describeScalingPoliciesRequest,
  describeScheduledActionsRequest,
  putScalingPolicyRequest,
  putScheduledActionRequest,
  registerScalableTargetRequest,
} from '#shared/schemas/scaling-requests.ts';

/** The Application Auto Scaling operations Berth serves, for the `ecs` namespace. */
export const scalingOperations: Record<string, Operation> = {
  RegisterScalableTarget: operation(registerScalableTargetRequest, registerScalableTarget),
  DescribeScalableTargets: operation(describeScalableTargetsRequest, describeScalableTargets),
  DeregisterScalableTarget: operation(deregisterScalableTargetRequest, deregisterScalableTarget),
  PutScalingPolicy: operation(putScalingPolicyRequest, putScalingPolicy),
  DescribeScalingPolicies: operation(describeScalingPoliciesRequest, describeScalingPolicies),
  DeleteScalingPolicy: operation(deleteScalingPolicyRequest, deleteScalingPolicy),
  PutScheduledAction: operation(putScheduledActionRequest, putScheduledAction),
  DescribeScheduledActions: operation(describeScheduledActionsRequest, describeScheduledActions),
  DeleteScheduledAction: operation(deleteScheduledActionRequest, deleteScheduledAction),
  DescribeScalingActivities: operation(describeScalingActivitiesRequest, describeScalingActivities),
};
