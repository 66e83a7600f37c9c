/**
 * The engine API version the agent speaks. The newest it needs is 1.41
 * (Docker 20.10; Podman's compatible API reports the same); the oldest is
 * 1.29, the first with a health check start period. Requests go to a
 * versioned path so a newer engine keeps answering in the shape parsed here.
 */
export const NEWEST_API_VERSION = '1.41';
export const OLDEST_API_VERSION = '1.29';

export function compareApiVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor !== bMajor ? aMajor - bMajor : aMinor - bMinor;
}

/** The version to use with an engine that speaks up to `engineApiVersion`, or why there is none. */
export function negotiateApiVersion(
  engineApiVersion: string,
): { ok: true; version: string } | { ok: false; message: string } {
  if (!/^\d+\.\d+$/.test(engineApiVersion)) {
    return { ok: false, message: `the engine reports API version '${engineApiVersion}', which is not MAJOR.MINOR` };
  }
  if (compareApiVersions(engineApiVersion, OLDEST_API_VERSION) < 0) {
    return {
      ok: false,
      message: `the engine speaks API ${engineApiVersion}; berth-agent needs ${OLDEST_API_VERSION} or newer`,
    };
  }
  const version = compareApiVersions(engineApiVersion, NEWEST_API_VERSION) < 0 ? engineApiVersion : NEWEST_API_VERSION;
  return { ok: true, version };
}
