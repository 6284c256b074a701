import { useEffect, useState } from 'preact/hooks';
import { currentSession, signOut, whenSignedOut, type SessionInfo } from '../api.js';
import { useRoute } from '../router.js';
import { SignIn } from './SignIn.js';
import { Dashboard } from './Dashboard.js';
import { lazyPage } from '../lazy-page.js';

// Every page but the sign-in and the dashboard is a chunk of its own, fetched when first shown
// (lazyPage): the group page's charts (uPlot), the create form, snapshots, serverless and the
// resource pages stay out of the first load.
const GroupPage = lazyPage(() => import('./GroupPage.js').then((m) => m.GroupPage));
const ClusterPage = lazyPage(() => import('./ClusterPage.js').then((m) => m.ClusterPage));
const ServerlessPage = lazyPage(() => import('./ServerlessPage.js').then((m) => m.ServerlessPage));
const CreateForm = lazyPage(() => import('./CreateForm.js').then((m) => m.CreateForm));
const SnapshotsPage = lazyPage(() => import('./SnapshotsPage.js').then((m) => m.SnapshotsPage));
const ParameterGroupsPage = lazyPage(() => import('./ParameterGroupsPage.js').then((m) => m.ParameterGroupsPage));
const ParameterGroupPage = lazyPage(() => import('./ParameterGroupPage.js').then((m) => m.ParameterGroupPage));
const SubnetGroupsPage = lazyPage(() => import('./SubnetGroupsPage.js').then((m) => m.SubnetGroupsPage));
const UsersPage = lazyPage(() => import('./UsersPage.js').then((m) => m.UsersPage));
const SecurityGroupsPage = lazyPage(() => import('./SecurityGroupsPage.js').then((m) => m.SecurityGroupsPage));

export function App() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const route = useRoute();
  useEffect(() => {
    whenSignedOut(() => setSession(null));
    currentSession().then((s) => setSession(s ?? null), () => setSession(null));
  }, []);
  if (session === undefined) return <p class="loading" role="status">Loading…</p>;
  if (session === null) return <SignIn onSignedIn={setSession} />;
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <a class="brand" href="#/">cachefleet</a>
        <nav aria-label="Main" class="main-nav">
          <a href="#/" aria-current={route.page === 'dashboard' ? 'page' : undefined}>Caches</a>
          <a href="#/snapshots" aria-current={route.page === 'snapshots' ? 'page' : undefined}>Snapshots</a>
          <a href="#/parameter-groups" aria-current={route.page.startsWith('parameter-group') ? 'page' : undefined}>Parameter groups</a>
          <a href="#/subnet-groups" aria-current={route.page === 'subnet-groups' ? 'page' : undefined}>Subnet groups</a>
          <a href="#/users" aria-current={route.page === 'users' ? 'page' : undefined}>Users</a>
          <a href="#/security-groups" aria-current={route.page === 'security-groups' ? 'page' : undefined}>Security groups</a>
        </nav>
        <span class="who" title="Signed in with this access key">{session.accessKeyId}</span>
        <button type="button" onClick={() => signOut().finally(() => setSession(null))}>Sign out</button>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'dashboard' && <Dashboard />}
        {route.page === 'group' && <GroupPage id={route.id} />}
        {route.page === 'cluster' && <ClusterPage id={route.id} />}
        {route.page === 'serverless' && <ServerlessPage name={route.id} />}
        {route.page === 'create' && <CreateForm />}
        {route.page === 'snapshots' && <SnapshotsPage />}
        {route.page === 'parameter-groups' && <ParameterGroupsPage />}
        {route.page === 'parameter-group' && <ParameterGroupPage name={route.id} />}
        {route.page === 'subnet-groups' && <SubnetGroupsPage />}
        {route.page === 'users' && <UsersPage />}
        {route.page === 'security-groups' && <SecurityGroupsPage />}
      </main>
    </>
  );
}
