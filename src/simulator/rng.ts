/** The simulator's seeded generator (outbound profiles with a seed replay the same day). */
export { seededRandom } from '../shared/seeded-random.js';
