import { request } from 'node:http';
import type { FunctionHost } from './function-host.ts';
import type { CloudFormationResponse, ResponseEndpoint } from './cloudformation-responses.ts';

/** The physical id the CDK framework answers for a Create that failed (its Delete is then ignored). */
export const CREATE_FAILED_PHYSICAL_ID = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

export interface ProviderFrameworkOptions {
  readonly onEvent: FunctionHost;
  readonly isComplete: FunctionHost;
  readonly responses: ResponseEndpoint;
  /** The framework's queryInterval (the construct's: 10 s). */
  readonly queryIntervalMs: number;
  /** The framework's totalTimeout, after which the event fails with "Operation timed out". */
  readonly totalTimeoutMs: number;
}

type Event = Record<string, unknown>;

/**
 * What the CDK provider framework does between CloudFormation and the
 * provider's functions (aws-cdk-lib custom-resources runtime, framework.js):
 * invokes onEvent with the request, merges its answer into the event, polls
 * isComplete every queryInterval until it says complete, and PUTs SUCCESS or
 * FAILED (with the function's errorMessage as the reason) to the event's
 * ResponseURL. The framework's own functions and state machine are not run:
 * they call Lambda and Step Functions, which the emulator does not host.
 */
export class ProviderFramework {
  private readonly options: ProviderFrameworkOptions;

  constructor(options: ProviderFrameworkOptions) {
    this.options = options;
  }

  /**
   * Sends `event` as CloudFormation does, with a fresh pre-signed ResponseURL
   * (or the one it carries, for a retried request), and answers what
   * CloudFormation received there.
   */
  async send(event: Event): Promise<CloudFormationResponse> {
    const responseUrl =
      typeof event.ResponseURL === 'string' && event.ResponseURL.startsWith('http://127.0.0.1')
        ? event.ResponseURL
        : this.options.responses.urlFor(
            String(event.StackId),
            String(event.LogicalResourceId),
            String(event.RequestId),
          );
    const cfnRequest = { ...event, ResponseURL: responseUrl };
    const before = this.options.responses.received(responseUrl).length;
    const { status, body, reason } = await this.run(cfnRequest);
    await put(responseUrl, {
      Status: status,
      Reason: reason ?? status,
      StackId: String(body.StackId),
      RequestId: String(body.RequestId),
      PhysicalResourceId: typeof body.PhysicalResourceId === 'string' ? body.PhysicalResourceId : '',
      LogicalResourceId: String(body.LogicalResourceId),
      ...(body.Data !== undefined && { Data: body.Data as Record<string, unknown> }),
    });
    const received = this.options.responses.received(responseUrl);
    const answer = received[before];
    if (received.length !== before + 1 || !answer) throw new Error(`the response to ${responseUrl} did not arrive`);
    return answer;
  }

  private async run(cfnRequest: Event): Promise<{ status: 'SUCCESS' | 'FAILED'; body: Event; reason?: string }> {
    const failed = (reason: string) => ({
      status: 'FAILED' as const,
      reason,
      body: {
        ...cfnRequest,
        PhysicalResourceId:
          cfnRequest.PhysicalResourceId ?? (cfnRequest.RequestType === 'Create' ? CREATE_FAILED_PHYSICAL_ID : ''),
      },
    });
    if (cfnRequest.RequestType === 'Delete' && cfnRequest.PhysicalResourceId === CREATE_FAILED_PHYSICAL_ID) {
      // The framework answers the Delete of a failed Create itself, calling neither function.
      return { status: 'SUCCESS', body: cfnRequest };
    }
    try {
      const started = await this.invoke(this.options.onEvent, cfnRequest);
      const event: Event = {
        ...cfnRequest,
        ...started,
        PhysicalResourceId: started.PhysicalResourceId ?? cfnRequest.PhysicalResourceId ?? cfnRequest.RequestId,
      };
      const done = await this.poll(event);
      if (!done) return failed('Operation timed out');
      const data = { ...(event.Data as Event | undefined), ...(done.Data as Event | undefined) };
      return { status: 'SUCCESS', body: { ...event, ...done, Data: data } };
    } catch (error) {
      if (error instanceof UserFunctionError) return failed(error.message);
      throw error;
    }
  }

  /** The framework's state machine: isComplete every queryInterval until complete or the total timeout. */
  private async poll(event: Event): Promise<Event | undefined> {
    const deadline = Date.now() + this.options.totalTimeoutMs;
    for (;;) {
      const answer = await this.invoke(this.options.isComplete, event);
      if (answer.IsComplete === true) return answer;
      if (Date.now() > deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, this.options.queryIntervalMs));
    }
  }

  /** One invoke of a user function; a function error becomes the framework's failure message. */
  private async invoke(fn: FunctionHost, payload: Event): Promise<Event> {
    const outcome = await fn.invoke(payload);
    if (!outcome.ok) {
      throw new UserFunctionError(`${outcome.errorMessage}\n\nLogs: /aws/lambda/${fn.spec.name}\n`);
    }
    return (outcome.result ?? {}) as Event;
  }
}

class UserFunctionError extends Error {}

/** The framework's PUT: an empty content-type, as the pre-signed URL was signed without one. */
function put(url: string, body: CloudFormationResponse): Promise<void> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(text) } },
      (response) => {
        response.resume();
        if (!response.statusCode || response.statusCode >= 400) {
          reject(new Error(`Unsuccessful HTTP response: ${response.statusCode}`));
        } else resolve();
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}
