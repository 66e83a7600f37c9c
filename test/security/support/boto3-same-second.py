"""Identical ECS calls from boto3, all signed in one and the same second.

botocore signs only content-type, host, x-amz-date and x-amz-target (and the
body), so identical calls within a second carry the same signature. The
signing clock is pinned here so the calls share a second deterministically.
Prints one JSON object: each call's outcome and the signatures sent.
Reads BERTH_ENDPOINT and the AWS_* variables.
"""
import datetime
import json
import os
import threading

import boto3
import botocore.auth
from botocore.config import Config

pinned = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)
botocore.auth.get_current_datetime = lambda *args, **kwargs: pinned

client = boto3.client(
    "ecs",
    endpoint_url=os.environ["BERTH_ENDPOINT"],
    region_name="us-east-1",
    config=Config(retries={"max_attempts": 1, "mode": "standard"}),
)
signatures = []
client.meta.events.register(
    "before-send.ecs.*", lambda request, **kwargs: signatures.append(request.headers["Authorization"].decode() if isinstance(request.headers["Authorization"], bytes) else request.headers["Authorization"])
)


def call(name, fn):
    try:
        fn()
        return {"call": name, "ok": True}
    except Exception as error:  # the outcome is the test's to judge
        return {"call": name, "ok": False, "error": str(error)}


outcomes = []
create = lambda: client.create_cluster(clusterName="boto-twin")
outcomes.append(call("create-cluster 1", create))
outcomes.append(call("create-cluster 2", create))

register = lambda: client.register_task_definition(
    family="boto-twin", containerDefinitions=[{"name": "app", "image": "busybox", "memory": 64}]
)
parallel = []
threads = [threading.Thread(target=lambda: parallel.append(call("register-task-definition", register))) for _ in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
outcomes.extend(parallel)
print(json.dumps({"outcomes": outcomes, "signatures": signatures}))
