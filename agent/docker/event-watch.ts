import type {
  EventHandlers,
  EventWatch,
  RuntimeEvent,
  RuntimeEventKind,
  RuntimeResult,
} from '#shared/ports/container-runtime.ts';
import { safeParse } from '../check/check.ts';
import { engineEvent, engineMessage, type EngineEvent } from './docker-schemas.ts';
import type { HttpTransport, OpenStream } from './http-transport.ts';
import { parseHealth } from './observation.ts';

const KINDS: Readonly<Record<string, RuntimeEventKind>> = {
  create: 'create',
  start: 'start',
  die: 'die',
  destroy: 'destroy',
  oom: 'oom',
};

/** An engine event line as a runtime event, or undefined for actions the agent ignores. */
export function toRuntimeEvent(event: EngineEvent): RuntimeEvent | undefined {
  const attributes = event.Actor.Attributes ?? {};
  const at = event.timeNano !== undefined ? Math.floor(event.timeNano / 1e6) : (event.time ?? 0) * 1000;
  // Docker says "health_status: healthy"; Podman's compatible API says "health_status" with an attribute.
  if (event.Action.startsWith('health_status')) {
    const health = parseHealth(event.Action.split(':')[1]?.trim() ?? attributes.health_status);
    return health ? { kind: 'health', runtimeId: event.Actor.ID, labels: attributes, health, at } : undefined;
  }
  const kind = KINDS[event.Action];
  if (!kind) return undefined;
  const exitCode = attributes.exitCode === undefined ? undefined : Number(attributes.exitCode);
  return {
    kind,
    runtimeId: event.Actor.ID,
    labels: attributes,
    ...(exitCode !== undefined && Number.isInteger(exitCode) ? { exitCode } : {}),
    at,
  };
}

/** Follows GET /events for containers with all the given labels until closed or broken. */
export function watchEngineEvents(
  transport: HttpTransport,
  negotiated: () => Promise<RuntimeResult<{ prefix: string }>>,
  labels: Readonly<Record<string, string>>,
  handlers: EventHandlers,
  openTimeoutMs: number,
): EventWatch {
  let closed = false;
  let stream: OpenStream | undefined;
  const filters = JSON.stringify({
    type: ['container'],
    label: Object.entries(labels).map(([key, value]) => `${key}=${value}`),
  });
  const run = async (): Promise<void> => {
    const base = await negotiated();
    if (closed) return;
    if (!base.ok) return handlers.onClose(base.failure.message);
    stream = transport.stream('GET', `${base.value.prefix}/events?filters=${encodeURIComponent(filters)}`, {
      // A stream the engine never opens is a stuck engine; an open one may rightly stay quiet (see RuntimeSync's probe).
      openTimeoutMs,
      onOpen: () => handlers.onOpen(),
      onLine: (line) => {
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          return;
        }
        const parsed = safeParse(engineEvent, json);
        const event = parsed.success ? toRuntimeEvent(parsed.data) : undefined;
        if (event && !closed) handlers.onEvent(event);
      },
    });
    const result = await stream.done;
    if (closed) return;
    if (!result.ok) return handlers.onClose(`event stream broke: ${result.message}`);
    const { status, body } = result.value;
    handlers.onClose(
      status === 200 ? 'the engine ended the event stream' : `GET /events answered ${status}: ${engineMessage(body)}`,
    );
  };
  void run();
  return {
    close: () => {
      closed = true;
      stream?.close();
    },
  };
}
