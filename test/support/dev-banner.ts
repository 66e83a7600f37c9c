/** The administrator key dev mode prints in its banner on a new data directory, if `output` holds it. */
export function adminKeyInBanner(output: string): { accessKeyId: string; secretAccessKey: string } | undefined {
  const key = /AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+)/.exec(output);
  return key?.[1] && key[2] ? { accessKeyId: key[1], secretAccessKey: key[2] } : undefined;
}
