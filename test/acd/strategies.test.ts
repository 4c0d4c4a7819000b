import { expect } from 'chai';
import { orderCandidates, widenedSkills, type MemberView } from '../../src/acd/strategies.js';
import type { Strategy } from '../../src/acd/model.js';
import { seededRandom } from '../../src/shared/seeded-random.js';

const member = (agent: string, over: Partial<MemberView> = {}): MemberView => ({
  agent,
  state: 'available',
  penalty: 0,
  skills: {},
  idleSince: 0,
  calls: 0,
  weight: 1,
  order: 0,
  ...over,
});

const order = (strategy: Strategy, members: MemberView[], extra: Record<string, unknown> = {}) =>
  orderCandidates(members, { waitedMs: 0, ...(extra.caller as object) }, { strategy, now: 1000, ...extra });

describe('acd strategies', () => {
  const team = [
    member('lan', { idleSince: 300, calls: 5, order: 2 }),
    member('minh', { idleSince: 100, calls: 9, order: 3 }),
    member('dariush', { idleSince: 200, calls: 1, order: 1 }),
    member('sara', { idleSince: 50, calls: 2, order: 4, state: 'on_call' }),
  ];

  it('longest-idle rings the agent free the longest first, busy agents never', () => {
    expect(order('longest-idle', team)).to.deep.equal(['minh', 'dariush', 'lan']);
  });

  it('ring-all returns every free agent of the lowest penalty (they ring at once)', () => {
    const withPenalty = [...team, member('reza', { penalty: 2 })];
    expect(order('ring-all', withPenalty)).to.have.members(['minh', 'dariush', 'lan']);
    expect(order('ring-all', withPenalty)).to.not.include('reza');
  });

  it('linear follows the member list order', () => {
    expect(order('linear', team)).to.deep.equal(['dariush', 'lan', 'minh']);
  });

  it('fewest-calls rings the agent with the fewest answered calls, ties by idle time', () => {
    expect(order('fewest-calls', team)).to.deep.equal(['dariush', 'lan', 'minh']);
    const tie = [member('a', { calls: 1, idleSince: 9 }), member('b', { calls: 1, idleSince: 3 })];
    expect(order('fewest-calls', tie)).to.deep.equal(['b', 'a']);
  });

  it('round-robin remembers the last agent and starts after it, wrapping around', () => {
    expect(order('round-robin', team)).to.deep.equal(['dariush', 'lan', 'minh']);
    expect(order('round-robin', team, { lastAgent: 'dariush', lastOrder: 1 })).to.deep.equal([
      'lan',
      'minh',
      'dariush',
    ]);
    expect(order('round-robin', team, { lastAgent: 'minh', lastOrder: 3 })).to.deep.equal([
      'dariush',
      'lan',
      'minh',
    ]);
    // The one rung last is busy now (absent): the circle still goes on from its place.
    expect(order('round-robin', team, { lastAgent: 'sara', lastOrder: 4 })[0]).to.equal('dariush');
    expect(order('round-robin', team, { lastAgent: 'x', lastOrder: 2 })[0]).to.equal('minh');
  });

  it('random gives each free agent the first ring about equally often', () => {
    const random = seededRandom(7);
    const first: Record<string, number> = {};
    for (let i = 0; i < 6000; i++) {
      const o = order('random', team, { random });
      expect(o).to.have.members(['lan', 'minh', 'dariush']);
      first[o[0]!] = (first[o[0]!] ?? 0) + 1;
    }
    for (const a of ['lan', 'minh', 'dariush']) expect(first[a]).to.be.within(1800, 2200);
  });

  it('weighted-random puts an agent first in proportion to its weight', () => {
    const random = seededRandom(11);
    const weighted = [member('a', { weight: 1 }), member('b', { weight: 3 }), member('c', { weight: 6 })];
    const first: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 10_000; i++) first[order('weighted-random', weighted, { random })[0]!]!++;
    expect(first.a).to.be.within(800, 1200);
    expect(first.b).to.be.within(2700, 3300);
    expect(first.c).to.be.within(5600, 6400);
  });

  it('penalties: a higher penalty rings only after every lower one', () => {
    const m = [
      member('senior', { penalty: 5, idleSince: 1 }),
      member('junior1', { penalty: 0, idleSince: 50 }),
      member('junior2', { penalty: 0, idleSince: 20 }),
    ];
    expect(order('longest-idle', m)).to.deep.equal(['junior2', 'junior1', 'senior']);
  });

  it('skips agents already tried this round and phones backed off after being unreachable', () => {
    expect(order('linear', team, { caller: { tried: new Set(['dariush']) } as never })).to.deep.equal([
      'lan',
      'minh',
    ]);
    const backedOff = [member('a', { skipUntil: 5000 }), member('b', { skipUntil: 500 })];
    expect(order('linear', backedOff)).to.deep.equal(['b']);
  });

  describe('skills-based', () => {
    const agents = [
      member('vi-expert', { skills: { vi: 9, billing: 3 }, idleSince: 50 }),
      member('vi-junior', { skills: { vi: 4, billing: 8 }, idleSince: 10 }),
      member('fa-only', { skills: { fa: 9 }, idleSince: 1 }),
    ];
    const skilled = (skills: Record<string, number>, waitedMs = 0) =>
      orderCandidates(agents, { skills, waitedMs }, { strategy: 'skills', now: 1, widenEverySeconds: 30 });

    it('rings only agents with every required skill at the level, best match first', () => {
      expect(skilled({ vi: 5 })).to.deep.equal(['vi-expert']);
      expect(skilled({ vi: 3 })).to.deep.equal(['vi-expert', 'vi-junior']);
      expect(skilled({ vi: 3, billing: 5 })).to.deep.equal(['vi-junior']);
      expect(skilled({ fa: 5 })).to.deep.equal(['fa-only']);
    });

    it('widens over wait time: one level less per period, then the skill is dropped', () => {
      expect(skilled({ vi: 6 }, 0)).to.deep.equal(['vi-expert']);
      expect(skilled({ vi: 6 }, 60_000)).to.deep.equal(['vi-expert', 'vi-junior']); // needs 4 now
      expect(skilled({ vi: 2 }, 60_000)).to.have.length(3); // vi no longer required
      expect(widenedSkills({ vi: 6, fa: 2 }, 45_000, 30)).to.deep.equal({ vi: 5, fa: 1 });
      expect(widenedSkills({ vi: 6, fa: 2 }, 60_000, 30)).to.deep.equal({ vi: 4 });
    });

    it('other strategies ignore the caller’s skills', () => {
      expect(
        orderCandidates(agents, { skills: { fa: 9 }, waitedMs: 0 }, { strategy: 'longest-idle', now: 1 }),
      ).to.deep.equal(['fa-only', 'vi-junior', 'vi-expert']);
    });
  });

  it('paused, ringing, wrap-up and logged-out agents are never candidates', () => {
    const states = (['paused', 'ringing', 'wrap_up', 'logged_out', 'on_call'] as const).map((s) =>
      member(s, { state: s }),
    );
    for (const s of [
      'ring-all',
      'longest-idle',
      'round-robin',
      'fewest-calls',
      'random',
      'linear',
      'weighted-random',
      'skills',
    ] as const)
      expect(order(s, states)).to.deep.equal([]);
  });
});
