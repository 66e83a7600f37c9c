"""Service auto scaling through boto3's application-autoscaling client.

The client finds Berth through AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING, as
a user would point it; the ECS client through AWS_ENDPOINT_URL_ECS.
"""

import time
from datetime import datetime, timedelta, timezone

import boto3

from berth_ecs import ecs, env, error_code, paginate, result

client = ecs()
scaling = boto3.client("application-autoscaling")
cluster = env("CLUSTER")
resource = f"service/{cluster}/web"
dim = "ecs:service:DesiredCount"
target = {"ServiceNamespace": "ecs", "ResourceId": resource, "ScalableDimension": dim}

client.register_task_definition(
    family="scaled", containerDefinitions=[{"name": "app", "image": "busybox", "memory": 16}]
)
client.create_service(cluster=cluster, serviceName="web", taskDefinition="scaled", desiredCount=1)

arn = scaling.register_scalable_target(**target, MinCapacity=1, MaxCapacity=4)["ScalableTargetARN"]
again = scaling.register_scalable_target(**target, MaxCapacity=5)["ScalableTargetARN"]
assert arn == again, (arn, again)
described = scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[resource])["ScalableTargets"]
assert len(described) == 1 and described[0]["MinCapacity"] == 1 and described[0]["MaxCapacity"] == 5, described

tracking = scaling.put_scaling_policy(
    PolicyName="cpu50",
    **target,
    PolicyType="TargetTrackingScaling",
    TargetTrackingScalingPolicyConfiguration={
        "TargetValue": 50.0,
        "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
        "ScaleInCooldown": 120,
        "ScaleOutCooldown": 30,
    },
)
assert tracking["PolicyARN"].startswith("arn:aws:autoscaling:"), tracking
assert len(tracking["Alarms"]) == 2, tracking
scaling.put_scaling_policy(
    PolicyName="memory-steps",
    **target,
    PolicyType="StepScaling",
    StepScalingPolicyConfiguration={
        "AdjustmentType": "ChangeInCapacity",
        "StepAdjustments": [{"MetricIntervalLowerBound": 80, "ScalingAdjustment": 1}],
        "Cooldown": 60,
        "MetricAggregationType": "Average",
    },
)
policies, pages = paginate(scaling, "describe_scaling_policies", "ScalingPolicies", 1, ServiceNamespace="ecs")
assert pages == 2 and [p["PolicyName"] for p in policies] == ["cpu50", "memory-steps"], policies

cpu = {"PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}
bad = {
    "min above max": error_code(scaling.register_scalable_target, **target, MinCapacity=6, MaxCapacity=2),
    "no such service": error_code(
        scaling.register_scalable_target,
        ServiceNamespace="ecs",
        ResourceId=f"service/{cluster}/absent",
        ScalableDimension=dim,
        MinCapacity=1,
        MaxCapacity=2,
    ),
    "other namespace": error_code(scaling.describe_scalable_targets, ServiceNamespace="ec2"),
    "unregistered target": error_code(
        scaling.put_scaling_policy,
        PolicyName="p",
        ServiceNamespace="ecs",
        ResourceId=f"service/{cluster}/absent",
        ScalableDimension=dim,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={"TargetValue": 50.0, **cpu},
    ),
    "target value out of range": error_code(
        scaling.put_scaling_policy,
        PolicyName="bad",
        **target,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={"TargetValue": 500.0, **cpu},
    ),
    "unknown metric": error_code(
        scaling.put_scaling_policy,
        PolicyName="bad",
        **target,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 50.0,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ALBRequestCountPerTarget"},
        },
    ),
    "delete an absent policy": error_code(scaling.delete_scaling_policy, PolicyName="absent", **target),
}
after_bad = scaling.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resource)["ScalingPolicies"]
assert len(after_bad) == 2, after_bad
unchanged = scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"][0]
assert unchanged["MinCapacity"] == 1 and unchanged["MaxCapacity"] == 5, unchanged

# A scheduled action a few seconds ahead raises the minimum, and the service follows it.
at = (datetime.now(timezone.utc) + timedelta(seconds=3)).strftime("%Y-%m-%dT%H:%M:%S")
scaling.put_scheduled_action(
    **target, ScheduledActionName="morning", Schedule=f"at({at})", ScalableTargetAction={"MinCapacity": 2, "MaxCapacity": 6}
)
actions = scaling.describe_scheduled_actions(ServiceNamespace="ecs", ResourceId=resource)["ScheduledActions"]
assert [a["ScheduledActionName"] for a in actions] == ["morning"], actions
deadline = time.monotonic() + 20
while True:
    now = scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"][0]
    desired = client.describe_services(cluster=cluster, services=["web"])["services"][0]["desiredCount"]
    if now["MinCapacity"] == 2 and desired == 2:
        break
    assert time.monotonic() < deadline, (now, desired)
    time.sleep(0.5)
activities = scaling.describe_scaling_activities(ServiceNamespace="ecs", ResourceId=resource)["ScalingActivities"]

scaling.delete_scaling_policy(PolicyName="cpu50", **target)
scaling.delete_scheduled_action(ScheduledActionName="morning", **target)
left = scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
scaling.deregister_scalable_target(**target)
result(
    {
        "bad": {name: code for name, (code, _message) in bad.items()},
        "messages": {name: message for name, (_code, message) in bad.items()},
        "target": {"min": now["MinCapacity"], "max": now["MaxCapacity"]},
        "activities": [{"cause": a["Cause"], "status": a["StatusCode"], "description": a["Description"]} for a in activities],
        "left": [p["PolicyName"] for p in left],
        "afterDeregister": {
            "targets": scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"],
            "policies": scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"],
            "actions": scaling.describe_scheduled_actions(ServiceNamespace="ecs")["ScheduledActions"],
        },
    }
)
