import type { Knex } from 'knex';

/**
 * Facts (survey answers, queue and agent events...) share the records worker's dead letters: a fact
 * that can never be written is kept whole with its reason, found again by its kind and id.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE call_record_dead_letters
      ADD COLUMN fact_kind text,
      ADD COLUMN fact_id   text;
    CREATE INDEX call_record_dead_letters_fact_id ON call_record_dead_letters (fact_id) WHERE fact_id IS NOT NULL;
    COMMENT ON COLUMN call_record_dead_letters.fact_kind IS
      'For a refused fact (not a call record): its kind, e.g. survey_response; NULL for call records.';
    COMMENT ON COLUMN call_record_dead_letters.fact_id IS
      'For a refused fact: its id as received (the producer''s natural key).';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE call_record_dead_letters DROP COLUMN fact_kind, DROP COLUMN fact_id;
  `);
}
