"""The smallest journey: a cluster made and described through boto3."""

from berth_ecs import ecs, env, result

client = ecs()
name = env("CLUSTER")
created = client.create_cluster(clusterName=name)["cluster"]
assert created["clusterName"] == name, created
described = client.describe_clusters(clusters=[name])
assert described["clusters"][0]["status"] == "ACTIVE", described
result({"clusterArn": created["clusterArn"], "failures": described["failures"]})
