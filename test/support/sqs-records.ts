import type { SQSRecord } from 'aws-lambda';

/** An SQS event record as Lambda delivers it from the reconcile FIFO queue. */
export function sqsRecord(id: string, body: string, group: string, receiveCount = 1): SQSRecord {
  return {
    messageId: id,
    receiptHandle: id,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: group,
      MessageDeduplicationId: id,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:berth.fifo',
    awsRegion: 'us-east-1',
  };
}
