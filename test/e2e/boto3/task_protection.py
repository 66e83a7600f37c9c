"""Task scale-in protection through boto3: protected tasks survive a scale-in, expiry bounds are ECS's."""

from berth_ecs import ecs, env, error_code, result, wait

client = ecs()
cluster = env("CLUSTER")
image = env("IMAGE")
SLEEP = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]

client.register_task_definition(
    family="py-guard",
    containerDefinitions=[{"name": "app", "image": image, "memory": 16, "command": SLEEP}],
)
client.create_service(cluster=cluster, serviceName="py-guarded", taskDefinition="py-guard", desiredCount=2)
wait(client, "services_stable", cluster=cluster, services=["py-guarded"])
tasks = client.list_tasks(cluster=cluster, serviceName="py-guarded")["taskArns"]
assert len(tasks) == 2, tasks
kept, other = tasks

protected = client.update_task_protection(cluster=cluster, tasks=[kept], protectionEnabled=True, expiresInMinutes=60)
assert protected["failures"] == [], protected
assert protected["protectedTasks"][0]["protectionEnabled"] is True, protected
assert protected["protectedTasks"][0]["expirationDate"] is not None, protected

read = client.get_task_protection(cluster=cluster, tasks=[kept, other])
enabled = {t["taskArn"]: t["protectionEnabled"] for t in read["protectedTasks"]}
assert enabled == {kept: True, other: False}, read

code, message = error_code(
    client.update_task_protection, cluster=cluster, tasks=[kept], protectionEnabled=True, expiresInMinutes=2881
)
assert code == "InvalidParameterException" and "2880" in message, (code, message)

# Scale in to one: the protected task is the one that stays.
client.update_service(cluster=cluster, service="py-guarded", desiredCount=1)
wait(client, "services_stable", cluster=cluster, services=["py-guarded"])
left = client.list_tasks(cluster=cluster, serviceName="py-guarded")["taskArns"]
assert left == [kept], (left, kept)

client.update_task_protection(cluster=cluster, tasks=[kept], protectionEnabled=False)
client.delete_service(cluster=cluster, service="py-guarded", force=True)
result({"kept": kept})
