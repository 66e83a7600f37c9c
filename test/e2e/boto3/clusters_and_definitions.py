"""Clusters and task definitions through boto3, with its paginators."""

from berth_ecs import ecs, env, error_code, paginate, result

client = ecs()
prefix = env("PREFIX")

names = [f"{prefix}-{i}" for i in range(5)]
for name in names:
    created = client.create_cluster(clusterName=name)["cluster"]
    assert created["status"] == "ACTIVE", created
clusters, pages = paginate(client, "list_clusters", "clusterArns", 2)
listed = [arn.split("/")[-1] for arn in clusters]
assert set(names) <= set(listed), listed
assert len(listed) == len(set(listed)), "a cluster was listed twice"
assert pages >= 3, pages

described = client.describe_clusters(clusters=names[:2] + ["nowhere"])
assert [c["clusterName"] for c in described["clusters"]] == names[:2], described
assert described["failures"][0]["reason"] == "MISSING", described
assert described["failures"][0]["arn"].endswith(":cluster/nowhere"), described

family = f"{prefix}-web"
for revision in range(1, 4):
    registered = client.register_task_definition(
        family=family,
        containerDefinitions=[{"name": "app", "image": "busybox", "memory": 16 * revision}],
    )["taskDefinition"]
    assert registered["revision"] == revision, registered
definitions, pages = paginate(client, "list_task_definitions", "taskDefinitionArns", 2, familyPrefix=family)
assert [arn.split(":")[-1] for arn in definitions] == ["1", "2", "3"], definitions
assert pages == 2, pages
families, _ = paginate(client, "list_task_definition_families", "families", 1, familyPrefix=prefix)
assert families == [family], families

latest = client.describe_task_definition(taskDefinition=family)["taskDefinition"]
assert latest["revision"] == 3 and latest["containerDefinitions"][0]["memory"] == 48, latest
assert latest["compatibilities"] == ["EXTERNAL", "EC2"], latest
gone = client.deregister_task_definition(taskDefinition=f"{family}:1")["taskDefinition"]
assert gone["status"] == "INACTIVE", gone
active, _ = paginate(client, "list_task_definitions", "taskDefinitionArns", 2, familyPrefix=family, status="ACTIVE")
assert len(active) == 2, active

code, message = error_code(
    client.register_task_definition, family=family, containerDefinitions=[{"name": "app", "memory": 16}]
)
assert (code, message) == ("ClientException", "Container.image should not be null or empty."), (code, message)
code, _ = error_code(client.list_tasks, cluster="nowhere")
assert code == "ClusterNotFoundException", code
code, _ = error_code(client.run_task, cluster="nowhere", taskDefinition=family, count=11)
assert code == "ClusterNotFoundException", code

client.delete_cluster(cluster=names[-1])
after = client.describe_clusters(clusters=[names[-1]])["clusters"]
assert after and after[0]["status"] == "INACTIVE", after
result({"clusters": len(listed), "definitions": definitions})
