/**
 * Static checks of the sample Asterisk configuration in dialplan/: the contract with the engine
 * (Stasis app name and arguments, ARI login, HTTP address) and the safety net when no engine
 * is registered. There is no Asterisk in CI, so this is also a small dialplan lint: every
 * Goto target context exists and every GotoIf label is defined.
 */
import { expect } from 'chai';
import {
  confSection,
  confValue,
  envExampleNames,
  parseAsteriskConf,
  readRepoFile,
  type ConfSection,
} from './config-files.js';

const conf = (...path: string[]) => parseAsteriskConf(readRepoFile(...path));
const entry = (section: ConfSection, key: string) => section.entries.filter(([k]) => k === key).at(-1)?.[1];

describe('dialplan/extensions.conf', () => {
  const source = readRepoFile('dialplan', 'extensions.conf');
  const contexts = conf('dialplan', 'extensions.conf');
  const context = (name: string) => confSection(contexts, name);
  /** Application calls of a context, in order ("Stasis(tongdai,inbound,${EXTEN})", ...). */
  const steps = (name: string) =>
    context(name)
      .entries.filter(([k]) => k === 'exten' || k === 'same')
      // exten => pattern,priority,App(...)   same => priority,App(...)
      .map(([k, v]) =>
        v
          .split(',')
          .slice(k === 'exten' ? 2 : 1)
          .join(','),
      );

  it('has the trunk, test, hand-off, fallback, outbound and agents contexts', () => {
    const names = contexts.map((c) => c.name);
    expect(names).to.include.members([
      'from-trunk',
      'from-internal',
      'tongdai-inbound',
      'tongdai-fallback',
      'tongdai-outbound',
      'agents',
    ]);
  });

  it('hands inbound DIDs to Stasis(tongdai,inbound,${EXTEN})', () => {
    expect(source).to.include('Stasis(tongdai,inbound,${EXTEN})');
    const app = envExampleNames().get('ARI_APP');
    expect(app, 'ARI_APP in .env.example').to.equal('tongdai');
  });

  it('checks STASISSTATUS right after every Stasis() call', () => {
    for (const ctx of contexts) {
      const list = steps(ctx.name);
      list.forEach((step, i) => {
        if (!step.startsWith('Stasis(')) return;
        expect(step, `${ctx.name}: app name`).to.match(/^Stasis\(tongdai,/);
        expect(list[i + 1], `${ctx.name}: step after ${step}`).to.match(/\$\{STASISSTATUS\}" = "FAILED"/);
      });
    }
  });

  it('sends callers to an apology, a person or voicemail, then hangs up, when Stasis FAILED', () => {
    expect(source).to.match(/STASISSTATUS\}" = "FAILED"\]\?tongdai-fallback,s,1\)/);
    const fallback = steps('tongdai-fallback');
    expect(fallback.some((s) => /^Playback\(/.test(s))).to.equal(true);
    expect(fallback.some((s) => /^Dial\(/.test(s)) || fallback.some((s) => /^VoiceMail\(/.test(s))).to.equal(
      true,
    );
    expect(fallback.at(-1)).to.match(/^Hangup\(/);
    expect(source).to.match(/^TONGDAI_SORRY_PROMPT=(ss-noservice|tt-allbusy)$/m);
  });

  it('runs AMD() on dialer calls before entering Stasis with the outcome', () => {
    const outbound = steps('tongdai-outbound');
    const amd = outbound.findIndex((s) => s.startsWith('AMD('));
    const stasis = outbound.findIndex((s) => s.startsWith('Stasis(tongdai,outbound'));
    expect(amd, 'AMD()').to.be.at.least(0);
    expect(stasis, 'Stasis(tongdai,outbound,...)').to.be.greaterThan(amd);
    expect(outbound[stasis]).to.include('${AMDSTATUS}').and.include('${AMDCAUSE}');
    expect(outbound.slice(amd, stasis).join('\n'))
      .to.match(/Set\(__AMDSTATUS=/)
      .and.match(/Set\(__AMDCAUSE=/);
  });

  it('only jumps to contexts that exist and labels that are defined', () => {
    const names = new Set(contexts.map((c) => c.name));
    for (const ctx of contexts) {
      const lines = ctx.entries.filter(([k]) => k === 'exten' || k === 'same').map(([, v]) => v);
      const labels = new Set(
        lines.flatMap((l) => [...l.matchAll(/^(?:[^,]+,)?n\(([\w-]+)\)/g)].map((m) => m[1]!)),
      );
      for (const line of lines) {
        for (const m of line.matchAll(/\bGoto\(([\w-]+),[^,()]+,[^,()]+\)/g)) {
          expect(names.has(m[1]!), `${ctx.name}: Goto to unknown context ${m[1]}`).to.equal(true);
        }
        for (const m of line.matchAll(/\?([\w-]+)(?:,[^)]*)?\)/g)) {
          const target = m[0].includes(',') ? m[0].slice(1, -1).split(',') : [m[1]!];
          if (target.length === 3) expect(names.has(target[0]!), `${ctx.name}: ${m[0]}`).to.equal(true);
          if (target.length === 1)
            expect(labels.has(target[0]!), `${ctx.name}: label ${target[0]}`).to.equal(true);
        }
      }
    }
  });
});

describe('dialplan/ari.conf and http.conf', () => {
  it('enables ARI with a writable user matching .env.example', () => {
    const ari = conf('dialplan', 'ari.conf');
    expect(entry(confSection(ari, 'general'), 'enabled')).to.equal('yes');
    const env = envExampleNames();
    const user = confSection(ari, env.get('ARI_USER') ?? 'tongdai');
    expect(entry(user, 'type')).to.equal('user');
    expect(entry(user, 'read_only')).to.equal('no');
    expect(entry(user, 'password_format')).to.equal('plain');
    expect(entry(user, 'password')).to.equal(env.get('ARI_PASSWORD'));
    expect(readRepoFile('dialplan', 'ari.conf')).to.match(/change/i);
  });

  it('serves ARI on 127.0.0.1:8088, where .env.example expects it', () => {
    const general = confSection(conf('dialplan', 'http.conf'), 'general');
    expect(entry(general, 'enabled')).to.equal('yes');
    expect(entry(general, 'bindaddr')).to.equal('127.0.0.1');
    expect(entry(general, 'bindport')).to.equal('8088');
    expect(envExampleNames().get('ARI_URL')).to.equal('http://127.0.0.1:8088');
  });

  it('lets the compose network reach ARI on the same port in docker/', () => {
    const general = confSection(conf('docker', 'asterisk', 'http.conf'), 'general');
    expect(entry(general, 'bindaddr')).to.equal('0.0.0.0');
    expect(entry(general, 'bindport')).to.equal('8088');
  });
});

describe('dialplan/pjsip.conf', () => {
  const pjsip = conf('dialplan', 'pjsip.conf');
  const contexts = new Set(conf('dialplan', 'extensions.conf').map((c) => c.name));

  it('defines a transport and a trunk (registration, identify, endpoint, aor, auth)', () => {
    expect(confValue(pjsip, confSection(pjsip, 'transport-udp', 'transport'), 'bind')).to.match(
      /^[\d.]+:5060$/,
    );
    const trunk = confSection(pjsip, 'trunk', 'endpoint');
    expect(confValue(pjsip, trunk, 'context')).to.equal('from-trunk');
    expect(
      pjsip.some((s) => confValue(pjsip, s, 'type') === 'registration' && entry(s, 'endpoint') === 'trunk'),
    ).to.equal(true);
    expect(
      pjsip.some((s) => confValue(pjsip, s, 'type') === 'identify' && entry(s, 'endpoint') === 'trunk'),
    ).to.equal(true);
    confSection(pjsip, 'trunk', 'aor');
    confSection(pjsip, confValue(pjsip, trunk, 'outbound_auth') ?? '', 'auth');
  });

  it('defines agent1..agent20 with auth and aor, in the agents context', () => {
    for (let i = 1; i <= 20; i++) {
      const name = `agent${i}`;
      const endpoint = confSection(pjsip, name, 'endpoint');
      expect(confValue(pjsip, endpoint, 'context'), name).to.equal('agents');
      confSection(pjsip, confValue(pjsip, endpoint, 'auth') ?? '', 'auth');
      confSection(pjsip, confValue(pjsip, endpoint, 'aors') ?? '', 'aor');
    }
  });

  it('only routes endpoints into contexts extensions.conf defines', () => {
    for (const section of pjsip) {
      if (section.isTemplate || confValue(pjsip, section, 'type') !== 'endpoint') continue;
      const ctx = confValue(pjsip, section, 'context');
      expect(contexts.has(ctx ?? ''), `${section.name} -> ${ctx}`).to.equal(true);
    }
  });
});
