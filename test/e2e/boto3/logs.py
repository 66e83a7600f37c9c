"""boto3's CloudWatch Logs client against Berth's dev-mode log store: reads
one stream with GetLogEvents (paging forward until the token repeats, as
boto3 users do) and prints the messages."""
import json
import os

import boto3

logs = boto3.client('logs', endpoint_url=os.environ['AWS_ENDPOINT_URL_ECS'])
group, stream = os.environ['LOG_GROUP'], os.environ['LOG_STREAM']
messages = []
answer = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
while True:
    messages += [e['message'] for e in answer['events']]
    token = answer['nextForwardToken']
    answer = logs.get_log_events(logGroupName=group, logStreamName=stream, nextToken=token)
    if answer['nextForwardToken'] == token:
        break
try:
    logs.get_log_events(logGroupName='/ecs/none', logStreamName='s')
    missing = None
except logs.exceptions.ResourceNotFoundException as error:
    missing = error.response['Error']['Code']
print(json.dumps({'messages': messages, 'missing': missing}))
