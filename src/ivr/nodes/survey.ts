import { surveyResponseFact } from '../../surveys/fact.js';
import { promptFor } from '../../surveys/schema.js';
import { inputFor, scoreOf } from '../../surveys/scoring.js';
import type { IvrContext } from '../context.js';
import type { NodeOf } from '../schema.js';
import { NodeBase, Stopped } from './base.js';

/**
 * A post-call survey on the caller's line: each question prompts, takes keys, and retries on a
 * wrong key or silence. Each answer is a fact at once (survey_responses through the records
 * pipeline), so a caller who hangs up after the first question leaves that answer. A question
 * unanswered after its retries ends the survey by "incomplete".
 */
export class SurveyNode extends NodeBase<NodeOf<'survey'>> {
  async exec(ctx: IvrContext): Promise<string> {
    const survey = ctx.survey(this.node.survey);
    if (!survey) {
      ctx.call.log.error('survey not loaded', {
        flow: ctx.flow.id,
        node: ctx.nodeId,
        survey: this.node.survey,
      });
      ctx.note({ reason: `no survey ${this.node.survey}` });
      return 'incomplete';
    }
    const lang = ctx.language;
    const prompt = (m: Record<string, string[]> | undefined) =>
      m ? promptFor(m, lang, survey.language) : undefined;
    // Without the ACD the caller's leg is the conversation (the agent leg joins it as a child).
    const conversation = ctx.vars.get('conversation') ?? ctx.call.callId;
    const queue = ctx.vars.get('queue') ?? null;
    const agent = ctx.vars.get('agent') ?? null;
    const intro = prompt(survey.intro);
    if (intro) await this.play(ctx, intro, { bargeIn: true });
    let answered = 0;
    for (const [index, q] of survey.questions.entries()) {
      const input = inputFor(q.type);
      let score: number | undefined;
      let tries = 0;
      while (score === undefined && tries <= q.retries) {
        if (this.killed) return Stopped;
        tries++;
        await this.play(ctx, prompt(q.prompt)!, { bargeIn: true });
        if (this.killed) return Stopped;
        const r = await ctx.call.collectDigits({
          maxDigits: input.maxDigits,
          firstDigitTimeoutMs: q.firstDigitTimeoutMs,
          interDigitTimeoutMs: q.interDigitTimeoutMs,
          ...(input.terminators ? { terminators: input.terminators } : {}),
          signal: this.signal,
        });
        if (r.status === 'cancelled' || this.killed) return Stopped;
        score = scoreOf(q.type, r.digits);
        if (score !== undefined || tries > q.retries) break;
        const again = r.digits || r.terminator ? prompt(survey.invalidPrompt) : prompt(survey.timeoutPrompt);
        if (again) await this.play(ctx, again);
      }
      if (score === undefined) {
        ctx.note({ survey: survey.id, answered, questions: survey.questions.length, stoppedAt: q.id });
        return 'incomplete';
      }
      answered++;
      ctx.services.facts?.emit(
        surveyResponseFact(ctx.services.now(), {
          call_id: ctx.call.callId,
          conversation_id: conversation,
          survey_id: survey.id,
          question_id: q.id,
          question_type: q.type,
          question_index: index + 1,
          questions_total: survey.questions.length,
          answer: score,
          tries,
          language: lang,
          queue,
          agent,
        }),
      );
      if (!ctx.services.facts)
        ctx.call.log.warn('survey answer not stored: no facts sink', { survey: survey.id, question: q.id });
    }
    ctx.note({ survey: survey.id, answered, questions: survey.questions.length });
    const thanks = prompt(survey.thanks);
    if (thanks) await this.play(ctx, thanks);
    return this.killed ? Stopped : 'next';
  }
}
