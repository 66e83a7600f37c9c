// Moved to shared/ so the agent's CloudWatch Logs client classifies errors the same way.
export * from '#shared/aws/aws-json-errors.ts';
