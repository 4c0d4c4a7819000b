import type { FlowNode } from './schema.js';

/** One named exit of a node: the branch a node returns, where it leads, and where it is written. */
export interface Exit {
  branch: string;
  target: string | undefined;
  /** Path of the field inside the node, for errors (`options.1`, `noInput`). */
  path: string[];
}

const pick = (node: Record<string, unknown>, ...names: string[]): Exit[] =>
  names.map((n) => ({ branch: n, target: node[n] as string | undefined, path: [n] }));

/**
 * The exits of a node by branch name. Defaults an engineer may leave out are resolved here once
 * (a holiday without its own exit goes where "closed" goes; a VIP where "found" goes), so the
 * interpreter and the validator agree on where every branch leads.
 */
export function exitsOf(node: FlowNode): Exit[] {
  switch (node.type) {
    case 'menu':
      return [
        ...Object.entries(node.options).map(([key, target]) => ({
          branch: key,
          target,
          path: ['options', key],
        })),
        ...pick(node, 'noInput', 'noMatch'),
      ];
    case 'collect':
      return pick(node, 'next', 'noInput', 'noMatch');
    case 'hours':
      return [
        ...pick(node, 'open', 'closed'),
        {
          branch: 'holiday',
          target: node.holiday ?? node.closed,
          path: [node.holiday ? 'holiday' : 'closed'],
        },
      ];
    case 'lookup':
      return [
        ...pick(node, 'found', 'notFound'),
        { branch: 'vip', target: node.vip ?? node.found, path: [node.vip ? 'vip' : 'found'] },
      ];
    case 'http':
      return pick(node, 'next', 'fallback');
    case 'queue':
      return pick(node, 'next', 'noAnswer', 'overflow');
    case 'endpoint':
      return pick(node, 'next', 'noAnswer');
    case 'voicemail':
      return pick(node, 'next', 'noMessage');
    case 'survey':
      return [
        ...pick(node, 'next'),
        {
          branch: 'incomplete',
          target: node.incomplete ?? node.next,
          path: [node.incomplete ? 'incomplete' : 'next'],
        },
      ];
    case 'hangup':
      return [];
    default:
      return pick(node, 'next');
  }
}

/** Media URIs a node plays, with their paths (for the sound check). */
export function mediaOf(node: FlowNode): Array<{ uri: string; path: string[] }> {
  const out: Array<{ uri: string; path: string[] }> = [];
  const add = (field: string, list: string[] | undefined) =>
    list?.forEach((uri, i) => out.push({ uri, path: [field, String(i)] }));
  const n = node as Record<string, unknown>;
  for (const field of [
    'media',
    'prompt',
    'invalidPrompt',
    'timeoutPrompt',
    'holdMedia',
    'greeting',
    'savedPrompt',
  ])
    add(field, n[field] as string[] | undefined);
  return out;
}
