import { CallHungUpError, isGone, type Call } from '../ari/index.js';
import { exitsOf } from './branches.js';
import type {
  Annotations,
  FlowSnapshot,
  FlowVersion,
  IvrContext,
  IvrObserver,
  IvrServices,
  NodeTask,
} from './context.js';
import type { FlowNode } from './schema.js';
import { FlowNotFoundError, IvrLoopError } from './errors.js';
import { Stopped } from './nodes/base.js';
import { HangupNodeBranch } from './nodes/prompts.js';
import { createNodeTask } from './nodes/index.js';

/** Node visits one call may make: a menu looping on itself forever is a flow bug, not a feature. */
export const DefaultMaxVisits = 500;
/** Sub-flows nested deeper than this are a recursion an engineer did not mean. */
export const DefaultMaxDepth = 8;

export interface InterpreterOptions {
  services: IvrServices;
  observer: IvrObserver;
  /** Prompt language when neither the channel nor the flow names one. */
  defaultLanguage: string;
  maxVisits?: number;
  maxDepth?: number;
}

export interface CallOutcome {
  /** completed: the flow ran to its end; hungup: the caller left; failed: a node threw. */
  status: 'completed' | 'hungup' | 'failed';
  visits: number;
  lastNode: string | undefined;
}

/** A node visit in progress. */
interface OpenVisit {
  flow: FlowVersion;
  nodeId: string;
  type: FlowNode['type'];
  task: NodeTask;
  at: Date;
  started: number;
  gapMs: number;
  detail: Record<string, unknown>;
  done: boolean;
}

/** The state of one call's run: language and variables cross sub-flows, as the caller hears them. */
class CallRun {
  language: string;
  readonly vars = new Map<string, string>();
  visits = 0;
  finished = false;
  lastNode: string | undefined;
  /** Nodes running now, outermost first (a sub-flow node, then the node inside it). */
  readonly open: OpenVisit[] = [];
  /** When the previous node returned (performance.now), to measure the interpreter's own time. */
  lastEnd = performance.now();
  constructor(
    readonly call: Call,
    readonly snapshot: FlowSnapshot,
    language: string,
  ) {
    this.language = language;
  }
}

const exitTables = new WeakMap<FlowVersion, Map<string, Map<string, string | undefined>>>();

/** Branch → target per node, built once per flow version (the loop only does map lookups). */
function exitTable(flow: FlowVersion): Map<string, Map<string, string | undefined>> {
  let table = exitTables.get(flow);
  if (!table) {
    table = new Map();
    for (const [id, node] of Object.entries(flow.document.nodes))
      table.set(id, new Map(exitsOf(node).map((e) => [e.branch, e.target])));
    exitTables.set(flow, table);
  }
  return table;
}

/**
 * Runs a flow version on a call: a loop over nodes, each one a task from the factory. The caller
 * hanging up ends the loop wherever it is (the running task is killed, the visit is recorded with
 * branch "hangup"), and every visit goes to the observer with the branch taken and its time.
 */
export class IvrInterpreter {
  constructor(private readonly options: InterpreterOptions) {}

  async run(call: Call, snapshot: FlowSnapshot, flowId: string): Promise<CallOutcome> {
    const flow = snapshot.get(flowId);
    if (!flow) throw new FlowNotFoundError(flowId);
    const language = call.channel.language || flow.document.language || this.options.defaultLanguage;
    const run = new CallRun(call, snapshot, language);
    const outcome = (status: CallOutcome['status']): CallOutcome => ({
      status,
      visits: run.visits,
      lastNode: run.lastNode,
    });
    // At the hang-up itself (inside StasisEnd's dispatch), not a few promise turns later: ARI may
    // deliver ChannelDestroyed in the same socket read, and the call record closes on it.
    const onHangup = () => {
      for (const v of [...run.open].reverse()) {
        v.task.kill();
        // After a hang-up node asked to finish, the hang-up is ours: that node ends by "end".
        this.close(run, v, run.finished ? HangupNodeBranch : 'hangup');
      }
    };
    call.signal.addEventListener('abort', onHangup, { once: true });
    try {
      await call.answer();
      // Node-to-node time is the interpreter's own: the answer's round trip is not part of it.
      run.lastEnd = performance.now();
      await this.runFlow(run, flow, 0);
      if (!run.finished && !call.ended) await call.hangup('normal');
      return outcome(call.ended && !run.finished ? 'hungup' : 'completed');
    } catch (err) {
      if (isGone(err) || call.ended) return outcome('hungup');
      call.log.error('IVR flow failed', {
        flow: flow.id,
        version: flow.version,
        node: run.lastNode,
        error: (err as Error).message,
        code: (err as { code?: string }).code,
      });
      await call.hangup('normal').catch(() => undefined);
      return outcome('failed');
    } finally {
      call.signal.removeEventListener('abort', onHangup);
    }
  }

  private async runFlow(run: CallRun, flow: FlowVersion, depth: number): Promise<void> {
    const { observer } = this.options;
    const maxVisits = this.options.maxVisits ?? DefaultMaxVisits;
    if (depth > (this.options.maxDepth ?? DefaultMaxDepth))
      throw new IvrLoopError(`sub-flows nested deeper than ${this.options.maxDepth ?? DefaultMaxDepth}`);
    const exits = exitTable(flow);
    const { call } = run;
    let nodeId: string | undefined = flow.document.start;
    while (nodeId !== undefined && !run.finished) {
      if (call.ended) throw new CallHungUpError(call.channelId);
      const node = flow.document.nodes[nodeId]!;
      if (++run.visits > maxVisits) throw new IvrLoopError(`more than ${maxVisits} node visits`);
      run.lastNode = nodeId;
      const task = createNodeTask(node);
      const visit: OpenVisit = {
        flow,
        nodeId,
        type: node.type,
        task,
        at: new Date(),
        started: performance.now(),
        gapMs: 0,
        detail: {},
        done: false,
      };
      visit.gapMs = visit.started - run.lastEnd;
      const ctx = this.context(run, flow, nodeId, visit.detail, depth);
      observer.nodeEntered?.(call, { flowId: flow.id, version: flow.version, nodeId, type: node.type });
      run.open.push(visit);
      let branch: string;
      let failure: unknown;
      try {
        const result = task.exec(ctx);
        branch = typeof result === 'string' ? result : await result;
        if (branch === Stopped || (call.ended && !run.finished)) branch = 'hangup';
      } catch (err) {
        failure = err;
        branch = isGone(err) || call.ended ? 'hangup' : 'error';
      } finally {
        run.open.pop();
        task.kill();
      }
      this.close(run, visit, branch);
      run.lastEnd = performance.now();
      if (failure) throw failure;
      if (branch === 'hangup') throw new CallHungUpError(call.channelId);
      nodeId = exits.get(nodeId)!.get(branch);
    }
  }

  /** Reports a visit once: when its node returns, or at the hang-up itself (see run()). */
  private close(run: CallRun, v: OpenVisit, branch: string): void {
    if (v.done) return;
    v.done = true;
    this.options.observer.nodeVisited({
      call: run.call,
      at: v.at,
      flowId: v.flow.id,
      version: v.flow.version,
      nodeId: v.nodeId,
      type: v.type,
      branch,
      ms: performance.now() - v.started,
      gapMs: v.gapMs,
      ...(Object.keys(v.detail).length ? { detail: v.detail } : {}),
    });
  }

  private context(
    run: CallRun,
    flow: FlowVersion,
    nodeId: string,
    detail: Record<string, unknown>,
    depth: number,
  ): IvrContext {
    const { observer, services } = this.options;
    return {
      call: run.call,
      services,
      flow,
      nodeId,
      get language() {
        return run.language;
      },
      set language(l: string) {
        run.language = l;
      },
      vars: run.vars,
      annotate: (fields: Annotations) => observer.annotate(run.call, fields),
      maskDigits: (on: boolean) => observer.maskDigits?.(run.call, on),
      note: (d) => Object.assign(detail, d),
      survey: (surveyId: string) => run.snapshot.survey?.(surveyId),
      runFlow: async (flowId: string) => {
        const sub = run.snapshot.get(flowId);
        if (!sub) throw new FlowNotFoundError(flowId);
        await this.runFlow(run, sub, depth + 1);
      },
      finish: () => {
        run.finished = true;
      },
    };
  }
}
