import type { FactKind } from '../fact.js';
import { SurveyResponseKind } from '../../surveys/fact.js';
import { agentEventKind, queueEventKind } from '../../acd/facts.js';
import { supervisorEventKind } from '../../acd/supervisor/facts.js';

/**
 * Every kind of fact the records worker knows. Add a kind by defining it in its own file (next to
 * the feature that emits it) and listing it here; its table comes from a migration.
 */
export const FactKinds: readonly FactKind[] = [
  SurveyResponseKind,
  queueEventKind,
  agentEventKind,
  supervisorEventKind,
];
