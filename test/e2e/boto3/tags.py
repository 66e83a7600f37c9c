"""Tags through boto3: tag, untag, list, and DescribeClusters with and without include=['TAGS'].

Reads BERTH_ENDPOINT and the AWS_* variables; prints one JSON object with
what each call answered, for the vitest suite to check.
"""
import json
import os

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ecs = boto3.client(
    "ecs",
    endpoint_url=os.environ["BERTH_ENDPOINT"],
    region_name="us-east-1",
    config=Config(retries={"max_attempts": 1, "mode": "standard"}),
)

arn = ecs.create_cluster(clusterName="boto", tags=[{"key": "team", "value": "a"}])["cluster"]["clusterArn"]
ecs.tag_resource(resourceArn=arn, tags=[{"key": "owner", "value": "me"}, {"key": "stage", "value": "dev"}])
tagged = ecs.list_tags_for_resource(resourceArn=arn)["tags"]
ecs.untag_resource(resourceArn=arn, tagKeys=["stage", "absent"])
untagged = ecs.list_tags_for_resource(resourceArn=arn)["tags"]
plain = ecs.describe_clusters(clusters=["boto"])["clusters"][0]
with_tags = ecs.describe_clusters(clusters=["boto"], include=["TAGS"])["clusters"][0]
try:
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "aws:mine", "value": "x"}])
    reserved = None
except ClientError as error:
    reserved = {"code": error.response["Error"]["Code"], "status": error.response["ResponseMetadata"]["HTTPStatusCode"]}

print(
    json.dumps(
        {
            "tagged": tagged,
            "untagged": untagged,
            "describedWithout": "tags" in plain,
            "describedWith": with_tags.get("tags"),
            "reserved": reserved,
        }
    )
)
