import { expect } from 'chai';
import { soundCatalogFrom } from '../../src/ivr/sounds.js';
import { validateFlow, type FlowReferences } from '../../src/ivr/validate.js';

const refs: FlowReferences = {
  sounds: soundCatalogFrom([
    { id: 'welcome', formats: [{ language: 'en', format: 'gsm' }] },
    { id: 'press-1', formats: [] },
    { id: 'goodbye', formats: [] },
    { id: 'pbx-invalid', formats: [] },
  ]),
  queues: new Set(['sales']),
  flows: new Set(['main', 'billing']),
};

const good = () => ({
  id: 'main',
  start: 'menu_main',
  nodes: {
    menu_main: {
      type: 'menu',
      prompt: 'sound:press-1',
      options: { '1': 'sales', '2': 'billing' },
      invalidPrompt: ['sound:pbx-invalid'],
      repeatKey: '*',
      noInput: 'bye',
    },
    sales: { type: 'queue', queue: 'sales', next: 'bye', noAnswer: 'bye' },
    billing: { type: 'subflow', flow: 'billing', next: 'bye' },
    bye: { type: 'hangup', prompt: 'sound:goodbye' },
  },
});

describe('ivr: flow schema and cross-references', () => {
  it('accepts a good flow and fills defaults (media lists, timeouts, retries)', () => {
    const r = validateFlow(good(), refs);
    expect(r.ok, JSON.stringify(r)).to.equal(true);
    if (!r.ok) return;
    const menu = r.flow.nodes.menu_main!;
    expect(menu).to.include({ type: 'menu', firstDigitTimeoutMs: 5000, retries: 2 });
    expect((menu as { prompt: string[] }).prompt).to.deep.equal(['sound:press-1']);
    expect(r.warnings).to.deep.equal([]);
  });

  it('names the path of a branch to a missing node', () => {
    const doc = good();
    doc.nodes.menu_main.options['1'] = 'nowhere';
    const r = validateFlow(doc, refs);
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.errors).to.deep.equal([{ path: 'nodes.menu_main.options.1', message: 'no node "nowhere"' }]);
  });

  it('refuses a missing start node, unknown queue, unknown sound, unknown sub-flow', () => {
    const doc: any = good();
    doc.start = 'gone';
    doc.nodes.sales.queue = 'marketing';
    doc.nodes.menu_main.invalidPrompt = ['sound:goodbye', 'sound:no-such-prompt'];
    doc.nodes.billing.flow = 'nope';
    const r = validateFlow(doc, refs);
    if (r.ok) throw new Error('accepted');
    expect(r.errors.map((e) => e.path)).to.have.members([
      'start',
      'nodes.sales.queue',
      'nodes.menu_main.invalidPrompt.1',
      'nodes.billing.flow',
    ]);
    expect(r.errors.find((e) => e.path === 'nodes.menu_main.invalidPrompt.1')?.message).to.equal(
      'no sound "no-such-prompt"',
    );
  });

  it('reports shape errors with their path (zod) and refuses unknown node types', () => {
    const doc: any = good();
    doc.nodes.menu_main.options = { '12': 'sales' };
    doc.nodes.sales.type = 'fax';
    doc.nodes.bye.prompt = 'http://example.com/x.wav';
    const r = validateFlow(doc, refs);
    if (r.ok) throw new Error('accepted');
    const paths = r.errors.map((e) => e.path);
    expect(paths).to.include('nodes.sales.type');
    expect(paths.some((p) => p.startsWith('nodes.menu_main.options'))).to.equal(true);
    expect(paths.some((p) => p.startsWith('nodes.bye.prompt'))).to.equal(true);
  });

  it('refuses a repeat key that is also an option, and a bad Gregorian holiday', () => {
    const doc: any = good();
    doc.nodes.menu_main.repeatKey = '1';
    doc.nodes.hours = {
      type: 'hours',
      timeZone: 'Asia/Ho_Chi_Minh',
      weekly: { mon: [['08:00', '17:00']] },
      holidays: [{ calendar: 'gregory', month: 1 }],
      open: 'bye',
    };
    doc.nodes.bye.prompt = 'sound:goodbye';
    const r = validateFlow(doc, refs);
    if (r.ok) throw new Error('accepted');
    expect(r.errors.map((e) => e.path)).to.have.members([
      'nodes.menu_main.repeatKey',
      'nodes.hours.holidays.0',
    ]);
  });

  it('refuses an unknown time zone and closing before opening', () => {
    const doc: any = good();
    doc.nodes.h = { type: 'hours', timeZone: 'Mars/Olympus', weekly: { sat: [['17:00', '08:00']] } };
    const r = validateFlow(doc, refs);
    if (r.ok) throw new Error('accepted');
    expect(r.errors.map((e) => e.path)).to.include.members(['nodes.h.timeZone', 'nodes.h.weekly.sat.0']);
  });

  it('warns about unreachable nodes without refusing the flow', () => {
    const doc: any = good();
    doc.nodes.spare = { type: 'play', media: 'sound:welcome', next: 'bye' };
    const r = validateFlow(doc, refs);
    expect(r.ok).to.equal(true);
    expect(r.warnings).to.deep.equal([{ path: 'nodes.spare', message: 'unreachable from start' }]);
  });
});
