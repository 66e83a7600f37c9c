/**
 * A failure the provider reports to CloudFormation as the event's reason:
 * bad properties, a call Berth refused, an endpoint out of reach, a
 * deployment the circuit breaker stopped. The provider framework turns the
 * thrown error's message into the FAILED response's `Reason`.
 */
export class ProvisionerError extends Error {
  override readonly name = 'ProvisionerError';
}

/** Names an SDK error the way CloudFormation users read them: `Type: message`. */
export function describeCallError(call: string, endpoint: string, error: unknown): ProvisionerError {
  if (!(error instanceof Error)) return new ProvisionerError(`${call} failed: ${String(error)}`, { cause: error });
  const metadata: unknown = Reflect.get(error, '$metadata');
  const status = typeof metadata === 'object' && metadata ? Reflect.get(metadata, 'httpStatusCode') : undefined;
  // Without an HTTP status the request never got an answer: a wrong or unreachable endpoint.
  if (status === undefined) {
    const code = Reflect.get(error, 'code');
    const detail = typeof code === 'string' ? `${code}: ${error.message}` : error.message;
    return new ProvisionerError(`${call}: could not reach the Berth endpoint ${endpoint} (${detail})`, {
      cause: error,
    });
  }
  return new ProvisionerError(`${call} failed: ${error.name}: ${error.message}`, { cause: error });
}
