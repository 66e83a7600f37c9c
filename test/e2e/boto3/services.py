"""Services created, scaled, updated and deleted through boto3, with its waiters and paginator."""

from berth_ecs import ecs, env, paginate, result, wait

client = ecs()
cluster = env("CLUSTER")
image = env("IMAGE")
# Exits at once on SIGTERM (a shell as PID 1 ignores it otherwise), so replacements are quick.
SLEEP = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]

for revision in (1, 2):
    client.register_task_definition(
        family="py-svc",
        containerDefinitions=[
            {"name": "app", "image": image, "memory": 16, "command": SLEEP}
        ],
    )
service = client.create_service(cluster=cluster, serviceName="py-web", taskDefinition="py-svc:1", desiredCount=2)[
    "service"
]
assert service["status"] == "ACTIVE" and service["desiredCount"] == 2, service
wait(client, "services_stable", cluster=cluster, services=["py-web"])
stable = client.describe_services(cluster=cluster, services=["py-web"])["services"][0]
assert stable["runningCount"] == 2 and len(stable["deployments"]) == 1, stable

updated = client.update_service(cluster=cluster, service="py-web", taskDefinition="py-svc:2", desiredCount=1)[
    "service"
]
assert updated["taskDefinition"].endswith("py-svc:2"), updated
wait(client, "services_stable", cluster=cluster, services=["py-web"])
rolled = client.describe_services(cluster=cluster, services=["py-web"])["services"][0]
assert rolled["runningCount"] == 1 and rolled["deployments"][0]["taskDefinition"].endswith("py-svc:2"), rolled
tasks, _ = paginate(client, "list_tasks", "taskArns", 10, cluster=cluster, serviceName="py-web")
assert len(tasks) == 1, tasks

# Idle services, enough for several pages.
for i in range(4):
    client.create_service(cluster=cluster, serviceName=f"py-idle-{i}", taskDefinition="py-svc", desiredCount=0)
services, pages = paginate(client, "list_services", "serviceArns", 2, cluster=cluster)
names = sorted(arn.split("/")[-1] for arn in services)
assert names == sorted(["py-web"] + [f"py-idle-{i}" for i in range(4)]), names
assert pages == 3, pages

missing = client.describe_services(cluster=cluster, services=["py-ghost"])["failures"]
assert missing[0]["reason"] == "MISSING" and missing[0]["arn"].endswith(f":service/{cluster}/py-ghost"), missing

deleted = client.delete_service(cluster=cluster, service="py-web", force=True)["service"]
assert deleted["status"] in ("DRAINING", "INACTIVE"), deleted
wait(client, "services_inactive", cluster=cluster, services=["py-web"])
for i in range(4):
    client.delete_service(cluster=cluster, service=f"py-idle-{i}")
result({"services": names})
