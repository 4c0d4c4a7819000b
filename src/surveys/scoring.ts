import type { QuestionType } from './schema.js';

/** How digits are collected for a question type: NPS needs two digits for 10, so # or a pause ends it. */
export function inputFor(type: QuestionType): { maxDigits: number; terminators?: string } {
  return type === 'nps' ? { maxDigits: 2, terminators: '#' } : { maxDigits: 1 };
}

/**
 * The score the keys mean, or undefined when they mean nothing for this question: csat 1-5,
 * nps 0-10 ("10", or "1"/"0"/"9" alone), yes_no 1 → 1 (yes), 2 → 0 (no).
 */
export function scoreOf(type: QuestionType, digits: string): number | undefined {
  if (!/^[0-9]{1,2}$/.test(digits)) return undefined;
  const n = Number(digits);
  switch (type) {
    case 'csat':
      return digits.length === 1 && n >= 1 && n <= 5 ? n : undefined;
    case 'nps':
      return n <= 10 ? n : undefined;
    case 'yes_no':
      return digits === '1' ? 1 : digits === '2' ? 0 : undefined;
  }
}

/** NPS class of a 0-10 answer. */
export function npsClass(score: number): 'promoter' | 'passive' | 'detractor' {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

/** NPS of a set of answers: % promoters − % detractors, one decimal (undefined without answers). */
export function netPromoterScore(scores: readonly number[]): number | undefined {
  if (!scores.length) return undefined;
  const p = scores.filter((s) => s >= 9).length;
  const d = scores.filter((s) => s <= 6).length;
  return Math.round((1000 * (p - d)) / scores.length) / 10;
}

/** CSAT: % of 4-5 answers and the mean, one decimal / two decimals. */
export function csat(scores: readonly number[]): { pct: number; mean: number } | undefined {
  if (!scores.length) return undefined;
  const satisfied = scores.filter((s) => s >= 4).length;
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  return { pct: Math.round((1000 * satisfied) / scores.length) / 10, mean: Math.round(mean * 100) / 100 };
}
