"""RunTask, DescribeTasks and StopTask on a real agent through boto3, with its waiters and paginator."""

from botocore.exceptions import WaiterError

from berth_ecs import ecs, env, paginate, result, wait

client = ecs()
cluster = env("CLUSTER")
image = env("IMAGE")
# Exits at once on SIGTERM (a shell as PID 1 ignores it otherwise), so stops are quick.
SLEEP = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]

client.register_task_definition(
    family="py-sleeper",
    containerDefinitions=[{"name": "app", "image": image, "memory": 16, "command": SLEEP}],
)
run = client.run_task(cluster=cluster, taskDefinition="py-sleeper", count=3, startedBy="boto3")
assert run["failures"] == [], run
arns = [t["taskArn"] for t in run["tasks"]]
assert len(arns) == 3, run

wait(client, "tasks_running", cluster=cluster, tasks=arns)
running = client.describe_tasks(cluster=cluster, tasks=arns)["tasks"]
assert all(t["lastStatus"] == "RUNNING" and t["desiredStatus"] == "RUNNING" for t in running), running
assert all(t["containers"][0]["runtimeId"] for t in running), running

listed, pages = paginate(client, "list_tasks", "taskArns", 2, cluster=cluster, startedBy="boto3")
assert sorted(listed) == sorted(arns), listed
assert pages == 2, pages

stopped = client.stop_task(cluster=cluster, task=arns[0], reason="boto3 says stop")["task"]
assert stopped["desiredStatus"] == "STOPPED", stopped
wait(client, "tasks_stopped", cluster=cluster, tasks=[arns[0]])
after = client.describe_tasks(cluster=cluster, tasks=[arns[0]])["tasks"][0]
assert after["stoppedReason"] == "boto3 says stop" and after["stopCode"] == "UserInitiated", after

# A task that exits on its own is STOPPED in desire too, and the running list forgets it.
client.register_task_definition(
    family="py-once", containerDefinitions=[{"name": "app", "image": image, "memory": 16, "command": ["true"]}]
)
once = client.run_task(cluster=cluster, taskDefinition="py-once")["tasks"][0]["taskArn"]
wait(client, "tasks_stopped", cluster=cluster, tasks=[once])
exited = client.describe_tasks(cluster=cluster, tasks=[once])["tasks"][0]
assert exited["desiredStatus"] == "STOPPED" and exited["containers"][0]["exitCode"] == 0, exited
still_running, _ = paginate(client, "list_tasks", "taskArns", 100, cluster=cluster)
assert once not in still_running and arns[0] not in still_running, still_running
desired_stopped, _ = paginate(client, "list_tasks", "taskArns", 100, cluster=cluster, desiredStatus="STOPPED")
assert once in desired_stopped and arns[0] in desired_stopped, desired_stopped

# tasks_running gives up on a task that stopped, as it should.
try:
    wait(client, "tasks_running", cluster=cluster, tasks=[once])
    raise AssertionError("tasks_running accepted a stopped task")
except WaiterError as error:
    assert "failure state" in str(error), error

for arn in arns[1:]:
    client.stop_task(cluster=cluster, task=arn)
wait(client, "tasks_stopped", cluster=cluster, tasks=arns)
missing = client.describe_tasks(cluster=cluster, tasks=["0" * 32])["failures"]
assert missing[0]["reason"] == "MISSING" and missing[0]["arn"].endswith("/" + "0" * 32), missing
result({"tasks": arns, "exited": once})
