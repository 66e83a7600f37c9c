import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, createApi } from './api.ts';
import { html } from './html.ts';
import { clearKey, loadKey, saveKey, type SessionKey } from './key.ts';
import { KEY_HELP, bindKeys } from './keyboard.ts';
import { POLL_INTERVAL_MS, SessionContext } from './poll.ts';
import { href, parentOf, parseRoute, type Route } from './route.ts';
import { ClusterView } from './views/cluster.ts';
import { ClustersView } from './views/clusters.ts';
import { InstanceView } from './views/instances.ts';
import { ServiceView } from './views/service.ts';
import { SignIn } from './views/sign-in.ts';
import { TaskView } from './views/task.ts';

/** The console: the sign-in form until a key checks out, then the pages with live refresh. */
export function App() {
  const [key, setKey] = useState<SessionKey | undefined>(() => loadKey(sessionStorage));
  const [refusal, setRefusal] = useState<string | undefined>(undefined);
  const signIn = async (candidate: SessionKey) => {
    // One cheap signed read tells a key the server knows from one it does not, before the pages show.
    try {
      await createApi(candidate).ecs('ListClusters', { maxResults: 1 });
      saveKey(sessionStorage, candidate);
      setRefusal(undefined);
      setKey(candidate);
    } catch (error) {
      setRefusal(error instanceof ApiError ? `${error.type}: ${error.message}` : String(error));
    }
  };
  const signOut = () => {
    clearKey(sessionStorage);
    setKey(undefined);
  };
  if (!key) return html`<${SignIn} onSignIn=${signIn} refusal=${refusal} />`;
  return html`<${Shell} signingKey=${key} onSignOut=${signOut} />`;
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

function Shell({ signingKey, onSignOut }: { signingKey: SessionKey; onSignOut: () => void }) {
  const route = useRoute();
  const api = useMemo(() => createApi(signingKey), [signingKey]);
  const [tick, setTick] = useState(0);
  const [paused, setPaused] = useState(false);
  const [help, setHelp] = useState(false);
  const [refreshedAt, setRefreshedAt] = useState(() => new Date());
  const refresh = () => {
    setTick((n) => n + 1);
    setRefreshedAt(new Date());
  };
  useEffect(() => {
    if (paused) return undefined;
    const timer = setInterval(refresh, POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [paused]);
  useEffect(
    () =>
      bindKeys({
        up: () => (location.hash = parentOf(route)),
        togglePause: () => setPaused((p) => !p),
        refresh,
        toggleHelp: () => setHelp((h) => !h),
      }),
    [route],
  );
  const session = useMemo(() => ({ api, tick }), [api, tick]);
  return html`<${SessionContext.Provider} value=${session}>
    <header class="top">
      <a class="brand" href=${href.clusters()}>Berth</a>
      <${Crumbs} route=${route} />
      <span class="spacer"></span>
      <button class="live ${paused ? 'paused' : ''}" onClick=${() => setPaused(!paused)} title="p">
        ${paused ? 'Paused' : 'Live'}
      </button>
      <span class="dim" title="last refresh">${refreshedAt.toLocaleTimeString()}</span>
      <button onClick=${refresh} title="r">Refresh</button>
      <span class="dim mono">${signingKey.accessKeyId}</span>
      <button id="sign-out" onClick=${onSignOut}>Sign out</button>
    </header>
    ${
      help &&
      html`<aside class="help">
        <table>
          ${KEY_HELP.map(
            ([keys, what]) =>
              html`<tr>
                <td class="mono">${keys}</td>
                <td>${what}</td>
              </tr>`,
          )}
        </table>
      </aside>`
    }
    <main class="page">${page(route)}</main>
    <footer class="dim">Press ? for keys · refresh every ${POLL_INTERVAL_MS / 1000}s</footer>
  <//>`;
}

function page(route: Route) {
  switch (route.page) {
    case 'clusters':
      return html`<${ClustersView} />`;
    case 'cluster':
      return html`<${ClusterView} cluster=${route.cluster} tab=${route.tab} />`;
    case 'service':
      return html`<${ServiceView} cluster=${route.cluster} name=${route.service} />`;
    case 'task':
      return html`<${TaskView} cluster=${route.cluster} id=${route.task} />`;
    case 'instance':
      return html`<${InstanceView} cluster=${route.cluster} id=${route.instance} />`;
  }
}

function Crumbs({ route }: { route: Route }) {
  if (route.page === 'clusters') return html`<nav class="crumbs"><a href=${href.clusters()}>clusters</a></nav>`;
  const tail =
    route.page === 'service'
      ? html` / <a href=${href.cluster(route.cluster)}>services</a> / ${route.service}`
      : route.page === 'task'
        ? html` / <a href=${href.cluster(route.cluster, 'tasks')}>tasks</a> / ${route.task.slice(0, 12)}`
        : route.page === 'instance'
          ? html` / <a href=${href.cluster(route.cluster, 'instances')}>instances</a> / ${route.instance.slice(0, 12)}`
          : html` / ${route.tab}`;
  return html`<nav class="crumbs">
    <a href=${href.clusters()}>clusters</a> / <a href=${href.cluster(route.cluster)}>${route.cluster}</a>${tail}
  </nav>`;
}
