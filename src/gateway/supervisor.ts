/**
 * The control plane's side of the IAM auth gateway: on every program of the endpoints it works
 * out which group and node endpoints need the gateway (plan.ts), issues their certificates, writes the
 * gateway's config (listeners, the active access keys and the IAM users' policies), starts the
 * detached gateway process if none runs (or adopts the running one) and waits until it has
 * applied the config. Only then do the endpoint routes point at its listeners, so no client is
 * ever sent to a port nothing listens on. No group with IAM users and no process running: nothing
 * is started and the routes pass through unchanged.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EndpointRoute } from '../endpoints/types.js';
import { readJson, readPid, writeFileAtomic } from '../endpoints/proxy-files.js';
import { DIR_MODE, FILE_MODE } from '../paths/index.js';
import type { CertificateAuthority } from '../security/ca.js';
import { NodeCertificates } from '../security/certs.js';
import type { StateStore, Tag } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import { waitFor } from '../util/wait.js';
import {
  DEFAULT_MAX_CONNECTION_MS, GATEWAY_SCRIPT, gatewayPaths, type GatewayConfig, type GatewayGroup, type GatewayIamUser, type GatewayKey,
  type GatewayListener, type GatewayPaths, type GatewayStatus, type IamAuthPath,
} from './config.js';
import { planGateway, planVerifierGroups, type GatewayPlanInput, type GatewayRoutesInput } from './plan.js';
import { isGatewayProcess } from './process-check.js';

const SCRIPT_PATH = fileURLToPath(new URL(`./${GATEWAY_SCRIPT}`, import.meta.url));

export interface IamGatewayOptions {
  /** The gateway's directory (`<data-dir>/iam-gateway`). */
  dir: string;
  store: Pick<StateStore, 'list'>;
  ca: CertificateAuthority;
  /** The admin keys (credentials.json): the account root, always allowed to connect. */
  rootKeys: () => ReadonlyArray<{ accessKeyId: string; secretAccessKey: string }>;
  accountId: string;
  region: string;
  /** IAM-authenticated connections are closed this long after their login. Default 12 hours. */
  maxConnectionMs?: number;
  logger: Logger;
  /** How long to wait for the process to apply a config. Default 10 s. */
  timeoutMs?: number;
  /** Where IAM logins are checked (default `node`: the nodes' IAM auth module asks the verifier). */
  path?: IamAuthPath;
  /** The verifier's socket and the nodes' group (path `node`). */
  verifier?: { socket: string; nodeGid?: number };
}

export class IamGateway {
  readonly paths: GatewayPaths;
  private readonly certs: NodeCertificates;
  private readonly logger: Logger;
  private readonly warnedNodes = new Set<string>();

  constructor(private readonly o: IamGatewayOptions) {
    this.paths = gatewayPaths(o.dir);
    this.certs = new NodeCertificates(o.ca, this.paths.certs);
    this.logger = o.logger.child({ component: 'iam-gateway' });
  }

  /** The gateway's pid, when one runs for this directory. */
  pid(): number | undefined {
    const pid = readPid(this.paths.pid);
    return pid !== undefined && isGatewayProcess(pid, this.paths.config) ? pid : undefined;
  }

  /**
   * Brings the gateway to what the routes and the records call for; returns the routes as the
   * router is to get them (those of endpoints the gateway serves point at its listeners, and node
   * routes are added for them). A listener the gateway cannot serve leaves its route as it was, or
   * adds none (IAM logins fail there; nothing else does), and is logged.
   */
  async apply(input: GatewayRoutesInput): Promise<EndpointRoute[]> {
    const { routes } = input;
    const [userGroups, users] = await Promise.all([this.o.store.list('userGroup'), this.o.store.list('user')]);
    const planInput = { ...input, userGroups: new Map(userGroups.map((r) => [r.id, r.doc])), users: new Map(users.map((r) => [r.id, r.doc])) };
    if ((this.o.path ?? 'node') === 'node') return this.applyVerifier(planInput);
    const plan = planGateway(planInput);
    this.warnNodesNotServed(plan.nodesNotServed);
    if (plan.listeners.length === 0 && this.pid() === undefined) return routes;
    // Tags by ARN, for aws:ResourceTag/… in Connect policies: one read of the kind (kept between
    // commits by the service's cached reads), not one per listener and user on every pass.
    const tagged = plan.listeners.length === 0 ? new Map<string, Tag[]>()
      : new Map((await this.o.store.list('tags')).map((r) => [r.id, r.doc.tags]));
    const tagsOf = (arn: string): Tag[] => tagged.get(arn) ?? [];
    const listeners: GatewayListener[] = [];
    for (const { mode, certIps, ...l } of plan.listeners) {
      const files = await this.certs.ensure(l.groupId, certIps);
      const users: GatewayListener['users'] = {};
      for (const [name, u] of Object.entries(l.users)) users[name] = { ...u, tags: tagsOf(u.arn) };
      listeners.push({
        ...l, users, groupTags: tagsOf(l.groupArn),
        tls: {
          mode, certFile: this.certs.absolute(l.groupId, files.certFile), keyFile: this.certs.absolute(l.groupId, files.keyFile),
          caFile: this.certs.absolute(l.groupId, files.caFile),
        },
      });
    }
    const config = await this.config(listeners);
    const status = await this.sync(config);
    const up = new Set(status?.listening ?? []);
    const served = new Set(listeners.filter((l) => up.has(`${l.address}:${l.port}`)).map((l) => l.id));
    const original = new Map(routes.map((r) => [r.id, r]));
    return plan.routes.flatMap((r) => {
      if (served.has(r.id)) return [r];
      const was = original.get(r.id);
      return was ? [was] : [];
    });
  }

  /**
   * Path `node`: the nodes check IAM logins themselves, so every route stays as it is (clients
   * reach the nodes as for any group); the process runs only the verifier, fed with each group's
   * IAM users, tags, the keys and the policies.
   */
  private async applyVerifier(input: GatewayPlanInput): Promise<EndpointRoute[]> {
    const verifierGroups = planVerifierGroups(input);
    if (Object.keys(verifierGroups).length === 0 && this.pid() === undefined) return input.routes;
    const tagged = Object.keys(verifierGroups).length === 0 ? new Map<string, Tag[]>()
      : new Map((await this.o.store.list('tags')).map((r) => [r.id, r.doc.tags]));
    const tagsOf = (arn: string): Tag[] => tagged.get(arn) ?? [];
    const groups: Record<string, GatewayGroup> = {};
    for (const [id, g] of Object.entries(verifierGroups)) {
      groups[id] = {
        ...g, groupTags: tagsOf(g.groupArn),
        users: Object.fromEntries(Object.entries(g.users).map(([name, u]) => [name, { ...u, tags: tagsOf(u.arn) }])),
      };
    }
    const config = await this.config([], groups);
    await this.sync(config);
    return input.routes;
  }

  /**
   * Said once per group: without kernel NAT its node endpoints are redis-server itself, where an
   * IAM token is refused (and cluster-mode clients, sent to the nodes, cannot log in with IAM).
   */
  private warnNodesNotServed(groupIds: string[]): void {
    for (const id of groupIds) {
      if (this.warnedNodes.has(id)) continue;
      this.warnedNodes.add(id);
      this.logger.warn({ replicationGroup: id },
        'IAM logins are refused at this group\'s node endpoints (and so in cluster mode, where clients connect to the nodes): ' +
        'sending them through the IAM auth gateway needs kernel NAT (nftables, as root or with CAP_NET_ADMIN); ' +
        'its primary, reader and configuration endpoints take IAM logins');
    }
  }

  /** Stops the gateway (its connections close; the verifier stops answering) and removes its config. */
  async teardown(): Promise<void> {
    const pid = this.pid();
    try { unlinkSync(this.paths.config); } catch { /* none */ }
    // The verifier's directory outside the data directory (/run/cachefleet/<hash>), with its socket.
    if (this.o.verifier) rmSync(dirname(this.o.verifier.socket), { recursive: true, force: true });
    if (pid === undefined) return;
    const gone = () => !isGatewayProcess(pid, this.paths.config);
    try {
      await waitFor(gone, { timeoutMs: this.o.timeoutMs ?? 10_000, what: `IAM auth gateway ${pid} to exit` });
    } catch {
      if (!gone()) process.kill(pid, 'SIGTERM');
    }
  }

  private async config(listeners: GatewayListener[], verifierGroups?: Record<string, GatewayGroup>): Promise<GatewayConfig> {
    const [iamUsers, iamGroups, iamKeys] = await Promise.all([
      this.o.store.list('iamUser'), this.o.store.list('iamGroup'), this.o.store.list('iamAccessKey')]);
    const groups = new Map(iamGroups.map((g) => [g.doc.groupName.toLowerCase(), g.doc]));
    const keys: Record<string, GatewayKey> = {};
    for (const k of this.o.rootKeys()) keys[k.accessKeyId] = { secret: k.secretAccessKey };
    for (const { doc: k } of iamKeys) if (k.status === 'Active') keys[k.accessKeyId] = { secret: k.secretAccessKey, user: k.userName.toLowerCase() };
    const users: Record<string, GatewayIamUser> = {};
    for (const { doc: u } of iamUsers) {
      const policies = [...Object.values(u.policies),
        ...u.groupNames.flatMap((g) => Object.values(groups.get(g.toLowerCase())?.policies ?? {}))];
      users[u.userName.toLowerCase()] = {
        userName: u.userName, userId: u.userId, arn: `arn:aws:iam::${this.o.accountId}:user${u.path}${u.userName}`, policies, tags: u.tags ?? [],
      };
    }
    const body = {
      version: 1 as const, accountId: this.o.accountId, region: this.o.region,
      maxConnectionMs: this.o.maxConnectionMs ?? DEFAULT_MAX_CONNECTION_MS, keys, iamUsers: users, listeners,
      ...(verifierGroups ? { groups: verifierGroups } : {}), ...(verifierGroups && this.o.verifier ? { verifier: this.o.verifier } : {}),
    };
    return { ...body, generation: createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16) };
  }

  /** Writes the config, starts or adopts the process, waits for it to apply; undefined when it does not in time. */
  private async sync(config: GatewayConfig): Promise<GatewayStatus | undefined> {
    const text = `${JSON.stringify(config)}\n`;
    mkdirSync(this.paths.dir, { recursive: true, mode: DIR_MODE });
    let current: string | undefined;
    try { current = readFileSync(this.paths.config, 'utf8'); } catch { /* first */ }
    if (current !== text) writeFileAtomic(this.paths.config, text);
    const pid = this.pid() ?? this.start();
    const applied = (): GatewayStatus | undefined => {
      const s = readJson<GatewayStatus>(this.paths.status);
      return s && s.generation === config.generation && isGatewayProcess(s.pid, this.paths.config) ? s : undefined;
    };
    let status = applied();
    if (!status) {
      try {
        status = await waitFor(applied, { timeoutMs: this.o.timeoutMs ?? 10_000, what: `IAM auth gateway (pid ${pid}) to apply its config` });
      } catch (err) {
        this.logger.warn({ err, log: this.paths.log }, 'the IAM auth gateway did not apply its config in time; its endpoints stay as they were');
        return undefined;
      }
    }
    for (const e of status.errors) this.logger.warn({ listener: e.listenerId, err: e.message }, 'the IAM auth gateway cannot serve an endpoint (it keeps retrying)');
    return status;
  }

  private start(): number {
    const log = openSync(this.paths.log, 'a', FILE_MODE);
    try {
      // detached: its own session, so signals aimed at the control plane do not reach the data path.
      const child = spawn(process.execPath, [SCRIPT_PATH, this.paths.config], { detached: true, stdio: ['ignore', log, log], cwd: this.paths.dir });
      child.unref();
      if (child.pid === undefined) throw new Error(`cannot start the IAM auth gateway ${SCRIPT_PATH}`);
      this.logger.info({ pid: child.pid }, 'started the IAM auth gateway process');
      return child.pid;
    } finally {
      closeSync(log);
    }
  }
}
