"""Container instances and attributes through boto3."""

from berth_ecs import ecs, env, error_code, paginate, result

client = ecs()
cluster = env("CLUSTER")

arns, _ = paginate(client, "list_container_instances", "containerInstanceArns", 1, cluster=cluster)
assert len(arns) >= 1, arns
arn = arns[0]
instance = client.describe_container_instances(cluster=cluster, containerInstances=[arn])["containerInstances"][0]
assert instance["status"] == "ACTIVE" and instance["agentConnected"], instance
assert {r["name"] for r in instance["registeredResources"]} >= {"CPU", "MEMORY"}, instance

put = client.put_attributes(
    cluster=cluster, attributes=[{"name": "stack", "value": "blue", "targetType": "container-instance", "targetId": arn}]
)
assert put["attributes"][0]["name"] == "stack", put
listed, _ = paginate(
    client, "list_attributes", "attributes", 1, cluster=cluster, targetType="container-instance", attributeName="stack"
)
assert [(a["targetId"], a["value"]) for a in listed] == [(arn, "blue")], listed
client.delete_attributes(cluster=cluster, attributes=[{"name": "stack", "targetId": arn}])
listed, _ = paginate(
    client, "list_attributes", "attributes", 1, cluster=cluster, targetType="container-instance", attributeName="stack"
)
assert listed == [], listed

draining = client.update_container_instances_state(cluster=cluster, containerInstances=[arn], status="DRAINING")
assert draining["containerInstances"][0]["status"] == "DRAINING", draining
active = client.update_container_instances_state(cluster=cluster, containerInstances=[arn], status="ACTIVE")
assert active["containerInstances"][0]["status"] == "ACTIVE", active

missing = client.describe_container_instances(cluster=cluster, containerInstances=["0" * 32])["failures"]
assert missing[0]["reason"] == "MISSING" and ":container-instance/" in missing[0]["arn"], missing
code, _ = error_code(client.describe_container_instances, cluster="nowhere", containerInstances=[arn])
assert code == "ClusterNotFoundException", code
result({"instance": arn})
