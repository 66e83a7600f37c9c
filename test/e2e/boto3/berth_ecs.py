"""Shared bits of the boto3 scenarios: the client, and failing loudly.

The client is built the way a user pointing boto3 at Berth builds it: the
endpoint comes from AWS_ENDPOINT_URL_ECS and the key from the usual
variables, so nothing here is Berth-specific.
"""

import json
import os

import boto3
from botocore.exceptions import ClientError


def ecs():
    return boto3.client("ecs")


def env(name):
    value = os.environ.get(name)
    assert value, f"{name} is not set"
    return value


def error_code(call, *args, **kwargs):
    """The ECS error code a call fails with; fails itself if the call succeeds."""
    try:
        call(*args, **kwargs)
    except ClientError as error:
        return error.response["Error"]["Code"], error.response["Error"]["Message"]
    raise AssertionError(f"{call.__name__} succeeded where it should have failed")


def result(document):
    """The scenario's answer for the test: one JSON line, printed last."""
    print(json.dumps(document, default=str))


# Poll every second: the models' delays (6 s for tasks, 15 s for services) are
# for a cloud service, and a waiter that fails still fails on its acceptors.
FAST = {"Delay": 1, "MaxAttempts": 60}


def wait(client, name, **kwargs):
    client.get_waiter(name).wait(WaiterConfig=FAST, **kwargs)


def paginate(client, operation, key, page_size, **kwargs):
    """Every item an operation lists, through botocore's paginator, and how many pages it took."""
    pages = client.get_paginator(operation).paginate(PaginationConfig={"PageSize": page_size}, **kwargs)
    items, count = [], 0
    for page in pages:
        items.extend(page[key])
        count += 1
    return items, count
