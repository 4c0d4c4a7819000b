import type { z } from 'zod';
import { exitsOf, mediaOf } from './branches.js';
import type { FlowIssue } from './errors.js';
import { flowDocument, type FlowDocument } from './schema.js';
import type { SoundCatalog } from './sounds.js';

/** What a flow may refer to besides its own nodes. */
export interface FlowReferences {
  sounds: SoundCatalog;
  /** Queue names the routing configuration knows (without the ACD). */
  queues: ReadonlySet<string>;
  /** The ACD's queues: a queue node may name one of them or one of routing.yaml's `queues`. */
  acd?: { has(queue: string): boolean };
  /** Voicemail boxes that exist; unchecked when not given. */
  boxes?: ReadonlySet<string>;
  /** Surveys loaded (flows/surveys/); unchecked when not given. */
  surveys?: ReadonlySet<string>;
  /** Flow ids a sub-flow node may call (the document's own id is always allowed). */
  flows: ReadonlySet<string>;
}

export type FlowValidation =
  | { ok: true; flow: FlowDocument; warnings: FlowIssue[] }
  | { ok: false; errors: FlowIssue[]; warnings: FlowIssue[] };

export const joinPath = (path: ReadonlyArray<PropertyKey>): string => path.map(String).join('.');

export function zodIssues(error: z.ZodError): FlowIssue[] {
  return error.issues.map((i) => ({ path: joinPath(i.path), message: i.message }));
}

/**
 * Shape first (zod), then what zod cannot see: branches to nodes that do not exist, sub-flows,
 * queues and sounds unknown to this site, menus whose repeat key shadows an option. Unreachable
 * nodes are warnings: a node kept for later should not block a release.
 */
export function validateFlow(input: unknown, refs: FlowReferences): FlowValidation {
  const parsed = flowDocument.safeParse(input);
  if (!parsed.success) return { ok: false, errors: zodIssues(parsed.error), warnings: [] };
  const flow = parsed.data;
  const errors: FlowIssue[] = [];
  const warnings: FlowIssue[] = [];
  const at = (id: string, ...rest: string[]) => joinPath(['nodes', id, ...rest]);

  if (!flow.nodes[flow.start]) errors.push({ path: 'start', message: `no node "${flow.start}"` });

  for (const [id, node] of Object.entries(flow.nodes)) {
    for (const exit of exitsOf(node)) {
      if (exit.target !== undefined && !flow.nodes[exit.target])
        errors.push({ path: at(id, ...exit.path), message: `no node "${exit.target}"` });
    }
    for (const m of mediaOf(node)) {
      if (!m.uri.startsWith('sound:')) continue;
      const sound = m.uri.slice('sound:'.length);
      if (!refs.sounds.has(sound)) errors.push({ path: at(id, ...m.path), message: `no sound "${sound}"` });
    }
    if (node.type === 'queue' && !refs.acd?.has(node.queue) && !refs.queues.has(node.queue))
      errors.push({ path: at(id, 'queue'), message: `no queue "${node.queue}"` });
    if (node.type === 'voicemail' && refs.boxes && !refs.boxes.has(node.box))
      errors.push({ path: at(id, 'box'), message: `no voicemail box "${node.box}"` });
    if (node.type === 'survey' && refs.surveys && !refs.surveys.has(node.survey))
      errors.push({ path: at(id, 'survey'), message: `no survey "${node.survey}"` });
    if (node.type === 'subflow' && node.flow !== flow.id && !refs.flows.has(node.flow))
      errors.push({ path: at(id, 'flow'), message: `no flow "${node.flow}"` });
    if (node.type === 'menu' && node.repeatKey && node.options[node.repeatKey])
      errors.push({ path: at(id, 'repeatKey'), message: `key ${node.repeatKey} is also an option` });
    if (node.type === 'collect' && node.minLength > node.maxLength)
      errors.push({ path: at(id, 'minLength'), message: 'greater than maxLength' });
    if (node.type === 'hours') {
      node.holidays.forEach((h, i) => {
        if (h.calendar === 'gregory' && !h.date === !(h.month && h.day))
          errors.push({
            path: at(id, 'holidays', String(i)),
            message: 'a Gregorian holiday has either a date or a month and day',
          });
      });
    }
  }

  for (const id of unreachable(flow)) warnings.push({ path: at(id), message: 'unreachable from start' });
  return errors.length ? { ok: false, errors, warnings } : { ok: true, flow, warnings };
}

function unreachable(flow: FlowDocument): string[] {
  const seen = new Set<string>();
  const stack = flow.nodes[flow.start] ? [flow.start] : [];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const exit of exitsOf(flow.nodes[id]!))
      if (exit.target && flow.nodes[exit.target] && !seen.has(exit.target)) stack.push(exit.target);
  }
  return Object.keys(flow.nodes).filter((id) => !seen.has(id));
}
