/**
 * Erlang A by numerical integration, independent of the series in src/acd/wfm: the offered wait V
 * has density λπ_{n-1}·exp(λ(1 − e^{−θx})/θ − nμx) for x > 0 (Baccelli–Hebuterne), π_{n-1} from
 * the birth–death balance with the probabilities of fewer than n busy agents summed term by term.
 */
export interface QuadratureInput {
  arrivalRate: number;
  ahtSeconds: number;
  agents: number;
  patienceSeconds: number;
  thresholdSeconds: number;
}

function simpson(f: (x: number) => number, a: number, b: number, panels: number): number {
  if (b <= a) return 0;
  const h = (b - a) / panels;
  let s = f(a) + f(b);
  for (let i = 1; i < panels; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

export function erlangAByQuadrature(q: QuadratureInput) {
  const lambda = q.arrivalRate;
  const mu = 1 / q.ahtSeconds;
  const theta = 1 / q.patienceSeconds;
  const n = q.agents;
  const A = lambda / mu;
  const a = n * mu;
  const g = (x: number) => (lambda * (1 - Math.exp(-theta * x))) / theta - a * x;
  // The integrand is log-concave: find its peak, then integrate exp(g − gmax) out to where it is e^-60.
  const xPeak = lambda > a ? Math.log(lambda / a) / theta : 0;
  const gmax = g(xPeak);
  let xEnd = xPeak + 1;
  while (g(xEnd) - gmax > -60) xEnd = xPeak + (xEnd - xPeak) * 2;
  const e = (x: number) => Math.exp(g(x) - gmax);
  const panels = 400_000;
  const int = (f: (x: number) => number, from: number, to: number) => simpson(f, from, to, panels);
  const J = int(e, 0, xEnd);
  const Jserved = int((x) => e(x) * Math.exp(-theta * x), 0, xEnd);
  const JservedT = int((x) => e(x) * Math.exp(-theta * x), 0, Math.min(q.thresholdSeconds, xEnd));
  const JxServed = int((x) => x * e(x) * Math.exp(-theta * x), 0, xEnd);
  // Σ_{k<n} A^k/k! relative to A^{n-1}/(n-1)!, summed downwards from k = n-1.
  let below = 0;
  let term = 1;
  for (let k = n - 1; k >= 0; k--) {
    below += term;
    term *= k / A;
  }
  // P(wait) = λJπ_{n-1}, Σ_{k<n} π_k = below·π_{n-1}; work with λJ scaled by e^{gmax}.
  const logLJ = Math.log(lambda * J) + gmax;
  const pWait = 1 / (1 + below * Math.exp(-logLJ));
  const answeredGivenWait = Jserved / J;
  const pAbandon = pWait * (1 - answeredGivenWait);
  const answeredWithinT = 1 - pWait + pWait * (JservedT / J);
  return {
    pWait,
    pAbandon,
    slOffered: answeredWithinT,
    slAnswered: answeredWithinT / (1 - pAbandon),
    asaSeconds: (pWait * (JxServed / J)) / (1 - pAbandon),
  };
}
