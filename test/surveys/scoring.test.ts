import { expect } from 'chai';
import { surveyResponseFact, SurveyResponseKind } from '../../src/surveys/fact.js';
import { FactKinds } from '../../src/facts/index.js';
import { validateSurvey } from '../../src/surveys/load.js';
import { promptFor, surveyDocument } from '../../src/surveys/schema.js';
import { csat, inputFor, netPromoterScore, npsClass, scoreOf } from '../../src/surveys/scoring.js';
import { anySound, soundCatalogFrom } from '../../src/ivr/sounds.js';

describe('surveys: scoring, definitions, the survey_response fact', () => {
  it('reads keys per question type: CSAT 1-5, NPS 0-10 (two digits for 10), yes/no 1/2', () => {
    const cases: Array<[Parameters<typeof scoreOf>[0], string, number | undefined]> = [
      ['csat', '1', 1],
      ['csat', '5', 5],
      ['csat', '0', undefined],
      ['csat', '6', undefined],
      ['csat', '', undefined],
      ['csat', '*', undefined],
      ['nps', '0', 0],
      ['nps', '7', 7],
      ['nps', '10', 10],
      ['nps', '05', 5],
      ['nps', '11', undefined],
      ['nps', '99', undefined],
      ['nps', '', undefined],
      ['yes_no', '1', 1],
      ['yes_no', '2', 0],
      ['yes_no', '3', undefined],
      ['yes_no', '#', undefined],
    ];
    for (const [type, digits, want] of cases)
      expect(scoreOf(type, digits), `${type} "${digits}"`).to.equal(want);
    expect(inputFor('nps')).to.deep.equal({ maxDigits: 2, terminators: '#' });
    expect(inputFor('csat')).to.deep.equal({ maxDigits: 1 });
  });

  it('NPS = % promoters − % detractors; CSAT = % of 4-5 and the mean', () => {
    expect(netPromoterScore([10, 9, 8, 7, 6, 0])).to.equal(0);
    expect(netPromoterScore([10, 10, 9, 3])).to.equal(50);
    expect(netPromoterScore([0, 1, 2])).to.equal(-100);
    expect(netPromoterScore([])).to.equal(undefined);
    expect([9, 8, 6].map(npsClass)).to.deep.equal(['promoter', 'passive', 'detractor']);
    expect(csat([5, 4, 3, 1])).to.deep.equal({ pct: 50, mean: 3.25 });
    expect(csat([])).to.equal(undefined);
  });

  it('prompts per language fall back to the survey language, then any', () => {
    expect(promptFor({ vi: ['sound:a'], en: ['sound:b'] }, 'fa', 'en')).to.deep.equal(['sound:b']);
    expect(promptFor({ vi: ['sound:a'], fa: ['sound:c'] }, 'fa', 'vi')).to.deep.equal(['sound:c']);
    expect(promptFor({ '*': ['sound:x'] }, 'fa', 'vi')).to.deep.equal(['sound:x']);
  });

  it('validates a definition: shape with paths, unique question ids, sounds Asterisk has, id = file name', () => {
    const good = {
      id: 'csat_only',
      questions: [{ id: 'csat', type: 'csat', prompt: { vi: 'sound:press-1', fa: ['sound:press-2'] } }],
    };
    expect(validateSurvey(good, anySound, 'csat_only').ok).to.equal(true);
    const parsed = surveyDocument.parse(good);
    expect(parsed.questions[0]).to.include({
      retries: 1,
      firstDigitTimeoutMs: 5000,
      interDigitTimeoutMs: 2000,
    });
    expect(parsed.language).to.equal('en');

    const bad = validateSurvey(
      {
        id: 'x',
        questions: [
          { id: 'q', type: 'stars', prompt: 'sound:a' },
          { id: 'q', type: 'csat', prompt: 'http://x' },
        ],
      },
      anySound,
    );
    expect(!bad.ok && bad.errors.map((e) => e.path)).to.have.members([
      'questions.0.type',
      'questions.1.prompt',
    ]);
    const twice = validateSurvey(
      {
        id: 'x',
        questions: [
          { id: 'q', type: 'csat', prompt: 'sound:a' },
          { id: 'q', type: 'nps', prompt: 'sound:b' },
        ],
      },
      anySound,
    );
    expect(!twice.ok && twice.errors).to.deep.equal([
      { path: 'questions', message: 'question ids must be unique' },
    ]);

    const sounds = soundCatalogFrom([{ id: 'press-1', formats: [{ language: 'vi', format: 'gsm' }] }]);
    const missing = validateSurvey(good, sounds, 'other');
    expect(!missing.ok && missing.errors).to.deep.equal([
      { path: 'questions.0.prompt.fa.0', message: 'no sound "press-2"' },
      { path: 'id', message: '"csat_only" is not the file name "other"' },
    ]);
  });

  it('an answer is a survey_response fact with a deterministic id; the kind is registered for the worker', () => {
    const data = {
      call_id: '3e4f0b52-8a1d-4c39-9b1e-0a3c2d4e5f60',
      conversation_id: null,
      survey_id: 'post_call',
      question_id: 'nps',
      question_type: 'nps' as const,
      question_index: 2,
      questions_total: 3,
      answer: 10,
      tries: 1,
      language: 'fa',
      queue: 'support',
      agent: 'agent-3',
    };
    const a = surveyResponseFact(new Date('2026-11-23T08:00:00Z'), data);
    const b = surveyResponseFact(new Date('2026-11-23T08:00:05Z'), data);
    expect(a.id).to.equal(b.id);
    expect(a).to.include({ kind: 'survey_response', at: '2026-11-23T08:00:00.000Z' });
    expect(SurveyResponseKind.schema.safeParse(a.data).success).to.equal(true);
    expect(SurveyResponseKind.schema.safeParse({ ...a.data, answer: 11 }).success).to.equal(false);
    expect(FactKinds).to.include(SurveyResponseKind);
  });
});
