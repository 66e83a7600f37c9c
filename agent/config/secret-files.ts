import { readFileSync } from 'node:fs';

/** What berth-agent reads from files named on its command line, or why it cannot. */
export type SecretFiles =
  | { readonly ok: true; readonly registrationToken: string | undefined; readonly tlsCa: string | undefined }
  | { readonly ok: false; readonly message: string };

/**
 * Reads the registration token file and the CA bundle. An empty token file
 * means "no token": the systemd unit falls back to an empty credential once
 * the installer has removed the token after the first registration, and an
 * agent with an identity in its state directory needs none.
 */
export function readSecretFiles(tokenFile: string | undefined, caFile: string | undefined): SecretFiles {
  let registrationToken: string | undefined;
  let tlsCa: string | undefined;
  try {
    if (tokenFile !== undefined) registrationToken = readFileSync(tokenFile, 'utf8').trim() || undefined;
  } catch (error) {
    return { ok: false, message: `Cannot read the registration token file ${tokenFile}: ${reason(error)}` };
  }
  try {
    if (caFile !== undefined) tlsCa = readFileSync(caFile, 'utf8');
  } catch (error) {
    return { ok: false, message: `Cannot read the CA file ${caFile}: ${reason(error)}` };
  }
  if (tlsCa !== undefined && !tlsCa.includes('-----BEGIN CERTIFICATE-----'))
    return { ok: false, message: `The CA file ${caFile} holds no PEM certificate` };
  return { ok: true, registrationToken, tlsCa };
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
