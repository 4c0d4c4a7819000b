import type { Logger } from '../log/index.js';
import { loadSurveyFolder } from '../surveys/load.js';
import type { SurveyDefinition } from '../surveys/schema.js';
import type { FlowSnapshot, FlowVersion } from './context.js';
import { FlowValidationError, type FlowIssue } from './errors.js';
import { routingDocument, type Routing } from './routing.js';
import { flowDocument } from './schema.js';
import type { SoundCatalog } from './sounds.js';
import { canonicalJson, readFlowFolder, type FlowVersionStore, type StoredFlowVersion } from './store.js';
import { joinPath, validateFlow, zodIssues, type FlowReferences } from './validate.js';

export interface FlowRegistryOptions {
  store: FlowVersionStore;
  /** Resolves once the sound list is known (the engine asks Asterisk after connecting). */
  sounds: () => Promise<SoundCatalog>;
  logger: Logger;
  /** The flows folder; without one, flows come from the store and the API only. */
  dir?: string;
  /** Told about every accepted routing (the agent pool follows its queues). */
  onRouting?: (routing: Routing) => void;
  /** The ACD: queue nodes must name its queues (instead of routing.yaml's). */
  acd?: () => { has(queue: string): boolean } | undefined;
  /** Voicemail boxes that exist, read at each load and API change. */
  boxes?: () => Promise<ReadonlySet<string>>;
  /** Creates or updates the boxes routing.yaml declares, before the flows naming them are checked. */
  syncBoxes?: (boxes: Routing['voicemailBoxes']) => Promise<void>;
}

export interface LoadReport {
  accepted: Array<{ flowId: string; version: number; source: string }>;
  unchanged: string[];
  refused: Array<{ source: string; issues: FlowIssue[] }>;
  warnings: Array<{ source: string; issues: FlowIssue[] }>;
}

export type ActiveFlow = FlowVersion & Omit<StoredFlowVersion, 'document' | 'flowId' | 'version'>;

/**
 * The flows that serve calls. Each accepted change makes a new immutable snapshot; a call takes the
 * snapshot current when it starts (sub-flows included) and keeps it, so a reload never changes a
 * call midway. A refused document changes nothing: the version already serving keeps serving.
 */
export class FlowRegistry {
  private readonly active = new Map<string, ActiveFlow>();
  private current: FlowSnapshot = { get: () => undefined };
  private routingNow: Routing | undefined;
  private readonly surveysNow = new Map<string, SurveyDefinition>();
  /** Loads and PUTs one at a time, so version numbers and snapshots never interleave. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: FlowRegistryOptions) {}

  snapshot(): FlowSnapshot {
    return this.current;
  }
  get routing(): Routing | undefined {
    return this.routingNow;
  }
  flows(): ActiveFlow[] {
    return [...this.active.values()].sort((a, b) => a.id.localeCompare(b.id));
  }
  flow(flowId: string): ActiveFlow | undefined {
    return this.active.get(flowId);
  }
  surveys(): SurveyDefinition[] {
    return [...this.surveysNow.values()].sort((a, b) => a.id.localeCompare(b.id));
  }
  versions(flowId: string): Promise<StoredFlowVersion[]> {
    return this.options.store.list(flowId);
  }
  version(flowId: string, version: number): Promise<StoredFlowVersion | undefined> {
    return this.options.store.get(flowId, version);
  }

  /** The flow a call to this DID runs: its own, else the default. */
  flowForDid(did: string | undefined): string | undefined {
    const r = this.routingNow;
    return (did !== undefined ? r?.dids[did] : undefined) ?? r?.default;
  }

  /** Start-up and reload: newest stored versions, then the folder (changed files become versions). */
  load(): Promise<LoadReport> {
    return this.serial(async () => {
      for (const v of await this.options.store.latest()) {
        const parsed = flowDocument.safeParse(v.document);
        if (parsed.success) this.activate({ ...v, document: parsed.data });
        else
          this.options.logger.error('stored IVR flow no longer parses', {
            flow: v.flowId,
            version: v.version,
          });
      }
      const report: LoadReport = { accepted: [], unchanged: [], refused: [], warnings: [] };
      if (this.options.dir) await this.loadFolder(this.options.dir, report);
      for (const r of report.refused)
        this.options.logger.error('IVR flow refused; the previous version keeps serving', {
          source: r.source,
          issues: r.issues,
        });
      this.publish();
      return report;
    });
  }

  /** An API change: validated like a file; refused with the issues, or stored as the next version. */
  put(
    document: unknown,
    meta: { changedBy: string; comment?: string },
  ): Promise<ActiveFlow & { warnings: FlowIssue[] }> {
    return this.serial(async () => {
      const sounds = await this.options.sounds();
      const r = validateFlow(document, { ...this.refs(sounds, new Set()), ...(await this.extraRefs()) });
      if (!r.ok) throw new FlowValidationError('api', r.errors);
      const stored = await this.options.store.append({
        flowId: r.flow.id,
        document: r.flow,
        source: 'api',
        changedBy: meta.changedBy,
        comment: meta.comment ?? null,
      });
      const flow = this.activate(stored);
      this.publish();
      this.options.logger.info('IVR flow changed', {
        flow: flow.id,
        version: flow.version,
        by: meta.changedBy,
      });
      return { ...flow, warnings: r.warnings };
    });
  }

  private async loadFolder(dir: string, report: LoadReport): Promise<void> {
    const { routing, flows } = await readFlowFolder(dir);
    // Surveys first: flows refer to them. A refused survey file keeps the version loaded before.
    const surveyLoad = await loadSurveyFolder(dir, await this.options.sounds());
    for (const s of surveyLoad.accepted) this.surveysNow.set(s.id, s);
    report.refused.push(...surveyLoad.refused);
    let candidate: Routing | undefined;
    if (routing) {
      const parsed = routing.error ? undefined : routingDocument.safeParse(routing.content);
      if (parsed?.success) candidate = parsed.data;
      else
        report.refused.push({
          source: routing.source,
          issues: parsed ? zodIssues(parsed.error) : [{ path: '', message: routing.error! }],
        });
    }
    if (candidate && this.options.syncBoxes) await this.options.syncBoxes(candidate.voicemailBoxes);
    const extra = await this.extraRefs();
    const queues = new Set(Object.keys((candidate ?? this.routingNow)?.queues ?? {}));
    const sounds = await this.options.sounds();
    const fromFiles = new Map((await this.options.store.latest('file')).map((v) => [v.flowId, v]));

    // A flow may call a sub-flow refused in the same batch: validate until the refusals settle.
    let pending = flows;
    const refused = new Map<string, FlowIssue[]>();
    for (let changed = true; changed;) {
      changed = false;
      const ids = new Set([...this.active.keys(), ...pending.map((f) => f.name)]);
      for (const f of pending) {
        const issues = f.error
          ? [{ path: '', message: f.error }]
          : this.check(f.content, f.name, ids, queues, sounds, extra);
        if (issues.length) {
          refused.set(f.source, issues);
          changed = true;
        }
      }
      pending = pending.filter((f) => !refused.has(f.source));
    }
    for (const [source, issues] of refused) report.refused.push({ source, issues });

    for (const f of pending) {
      // Sub-flows may be later in this batch (intl.yaml calls service.yaml): all of it counts.
      const batch = new Set([...this.active.keys(), ...pending.map((p) => p.name)]);
      const r = validateFlow(f.content, { ...this.refs(sounds, batch, queues), ...extra });
      if (!r.ok) continue; // checked above
      if (r.warnings.length) report.warnings.push({ source: f.source, issues: r.warnings });
      const last = fromFiles.get(r.flow.id);
      if (last && canonicalJson(last.document) === canonicalJson(r.flow)) {
        report.unchanged.push(r.flow.id);
        continue;
      }
      const stored = await this.options.store.append({
        flowId: r.flow.id,
        document: r.flow,
        source: 'file',
        changedBy: `file:${f.source}`,
        comment: null,
      });
      this.activate(stored);
      report.accepted.push({ flowId: stored.flowId, version: stored.version, source: f.source });
    }

    if (candidate) {
      const issues = [
        ...(this.active.has(candidate.default)
          ? []
          : [{ path: 'default', message: `no flow "${candidate.default}"` }]),
        ...Object.entries(candidate.dids)
          .filter(([, id]) => !this.active.has(id))
          .map(([did, id]) => ({ path: joinPath(['dids', did]), message: `no flow "${id}"` })),
      ];
      if (issues.length) report.refused.push({ source: routing!.source, issues });
      else {
        this.routingNow = candidate;
        this.options.onRouting?.(candidate);
      }
    }
  }

  private check(
    content: unknown,
    fileName: string,
    ids: ReadonlySet<string>,
    queues: ReadonlySet<string>,
    sounds: SoundCatalog,
    extra: Partial<FlowReferences>,
  ): FlowIssue[] {
    const r = validateFlow(content, { sounds, queues, flows: ids, ...extra });
    if (!r.ok) return r.errors;
    if (r.flow.id !== fileName)
      return [{ path: 'id', message: `"${r.flow.id}" is not the file name "${fileName}"` }];
    return [];
  }

  private refs(sounds: SoundCatalog, extraFlows: ReadonlySet<string>, queues?: ReadonlySet<string>) {
    return {
      sounds,
      queues: queues ?? new Set(Object.keys(this.routingNow?.queues ?? {})),
      flows: new Set([...this.active.keys(), ...extraFlows]),
    };
  }

  /** References beyond flows and sounds: the ACD's queues, voicemail boxes, loaded surveys. */
  private async extraRefs(): Promise<Partial<FlowReferences>> {
    const acd = this.options.acd?.();
    return {
      surveys: new Set(this.surveysNow.keys()),
      ...(acd ? { acd } : {}),
      ...(this.options.boxes ? { boxes: await this.options.boxes() } : {}),
    };
  }

  private activate(v: StoredFlowVersion): ActiveFlow {
    const { flowId, document, ...meta } = v;
    const flow: ActiveFlow = Object.freeze({ ...meta, id: flowId, document });
    this.active.set(flowId, flow);
    return flow;
  }

  /** A new snapshot object: calls holding the old one keep their versions. */
  private publish(): void {
    const frozen = new Map(this.active);
    const surveys = new Map(this.surveysNow);
    this.current = { get: (id) => frozen.get(id), survey: (id) => surveys.get(id) };
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
