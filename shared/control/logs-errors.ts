/** A CloudWatch Logs error, answered as `{ __type: code, message }` with status 400. */
export class LogsError extends Error {
  override readonly name = 'LogsError';
  readonly code: 'ResourceNotFoundException' | 'InvalidParameterException';
  constructor(code: LogsError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

export const logGroupNotFound = () =>
  new LogsError('ResourceNotFoundException', 'The specified log group does not exist.');
export const logStreamNotFound = () =>
  new LogsError('ResourceNotFoundException', 'The specified log stream does not exist.');
export const invalidParameter = (message: string) => new LogsError('InvalidParameterException', message);
