export { seededRandom } from '../../shared/seeded-random.js';
/** Exponential variate with the given mean. */
export const exponential = (random: () => number, mean: number): number => -mean * Math.log(1 - random());
