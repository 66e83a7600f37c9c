/**
 * Which signatures can be told apart from a legitimate identical call.
 *
 * SigV4 signs the request as sent, dated to the second. botocore (the AWS
 * CLI, boto3 and every tool built on them) signs only `content-type`, `host`,
 * `x-amz-date` and `x-amz-target` besides the body, so two identical calls in
 * the same second (parallel CLI runs, a retry, a RunTask repeated with its
 * clientToken) carry the same signature. AWS runs both; so must Berth. Only
 * a signature that covers an id the client makes anew for every call tells
 * a replay apart from a second call: the AWS SDK for JavaScript v3
 * (`@aws-sdk/client-ecs`) and Berth's own CLI sign `amz-sdk-invocation-id`,
 * a fresh UUID per call (a retry keeps it but also signs a new
 * `amz-sdk-request: attempt=N`).
 */
export const PER_CALL_ID_HEADER = 'amz-sdk-invocation-id';

/** True when a second use of this signature can only be a replay. */
export function signsPerCallId(signedHeaders: readonly string[]): boolean {
  return signedHeaders.includes(PER_CALL_ID_HEADER);
}
