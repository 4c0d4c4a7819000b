import type { Knex } from 'knex';

/**
 * Outbound leads and the compliance lists every dial is checked against:
 * - `lead_lists` / `leads`: who a campaign calls (one lead per list and E.164 number);
 * - `lead_consents`: prior consent per lead or per number, by scope (advertising, customer care...);
 * - `dnc_lists` / `dnc_numbers`: the internal do-not-call list(s) and imported national snapshots;
 * - `lead_uploads`, `lead_imports`, `lead_import_errors`: CSV files, the import jobs that read them
 *   and every rejected row with its line number.
 * knex.raw reads "?" as a binding: "\\?" is a literal question mark.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE lead_lists (
      id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
      name            text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      description     text,
      campaign_id     uuid,
      default_country text        NOT NULL CHECK (default_country ~ '^[A-Z]{2}$'),
      rows_read       bigint      NOT NULL DEFAULT 0,
      rows_imported   bigint      NOT NULL DEFAULT 0,
      rows_merged     bigint      NOT NULL DEFAULT 0,
      rows_rejected   bigint      NOT NULL DEFAULT 0,
      last_import_at  timestamptz,
      created_at      timestamptz NOT NULL DEFAULT now(),
      updated_at      timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX lead_lists_campaign_idx ON lead_lists (campaign_id) WHERE campaign_id IS NOT NULL;

    COMMENT ON TABLE lead_lists IS 'Lists of people to call; a campaign dials the leads of its lists. Import totals add up over every import into the list.';
    COMMENT ON COLUMN lead_lists.id IS 'List id.';
    COMMENT ON COLUMN lead_lists.name IS 'Name shown to supervisors.';
    COMMENT ON COLUMN lead_lists.description IS 'Free text: where the list came from, its purpose.';
    COMMENT ON COLUMN lead_lists.campaign_id IS 'Campaign that dials this list (campaigns.id); NULL while not assigned.';
    COMMENT ON COLUMN lead_lists.default_country IS 'ISO 3166 country (VN, IR, US, GB...) assumed for numbers written without a country code.';
    COMMENT ON COLUMN lead_lists.rows_read IS 'CSV data rows read by all imports into this list.';
    COMMENT ON COLUMN lead_lists.rows_imported IS 'Rows that created a new lead.';
    COMMENT ON COLUMN lead_lists.rows_merged IS 'Rows whose number was already in the list (fields merged into that lead).';
    COMMENT ON COLUMN lead_lists.rows_rejected IS 'Rows refused (see lead_import_errors).';
    COMMENT ON COLUMN lead_lists.last_import_at IS 'When the last import into this list finished.';

    CREATE TABLE leads (
      id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
      list_id         uuid        NOT NULL REFERENCES lead_lists (id) ON DELETE CASCADE,
      phone           text        NOT NULL CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
      country         text        CHECK (country ~ '^[A-Z]{2}$'),
      time_zone       text,
      first_name      text,
      last_name       text,
      email           text,
      custom          jsonb       NOT NULL DEFAULT '{}'::jsonb,
      status          text        NOT NULL DEFAULT 'new',
      attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      last_attempt_at timestamptz,
      next_attempt_at timestamptz,
      source_line     bigint,
      import_id       uuid,
      created_at      timestamptz NOT NULL DEFAULT now(),
      updated_at      timestamptz NOT NULL DEFAULT now(),
      UNIQUE (list_id, phone)
    );
    CREATE INDEX leads_phone_idx ON leads (phone);
    CREATE INDEX leads_due_idx ON leads (list_id, status, next_attempt_at);

    COMMENT ON TABLE leads IS 'One person to call: one row per list and phone number (a number imported twice into a list is merged into one lead).';
    COMMENT ON COLUMN leads.id IS 'Lead id.';
    COMMENT ON COLUMN leads.list_id IS 'The list the lead belongs to (lead_lists.id).';
    COMMENT ON COLUMN leads.phone IS 'Number to dial in E.164 (+84912345678); unique within the list.';
    COMMENT ON COLUMN leads.country IS 'ISO 3166 country of the number (VN, IR, US, GB...).';
    COMMENT ON COLUMN leads.time_zone IS 'IANA time zone of the lead (Asia/Ho_Chi_Minh, Asia/Tehran, America/Chicago...), from the file or from the number; NULL when the number alone cannot tell (e.g. a US mobile area code spanning zones). Calling windows are in this zone.';
    COMMENT ON COLUMN leads.first_name IS 'Given name, if the file has one.';
    COMMENT ON COLUMN leads.last_name IS 'Family name, if the file has one.';
    COMMENT ON COLUMN leads.email IS 'E-mail address, if the file has one.';
    COMMENT ON COLUMN leads.custom IS 'Every other column of the file, by header name (JSON object of strings).';
    COMMENT ON COLUMN leads.status IS 'Where the lead stands for the dialer: new (never dialed), then the dialer''s states (dialing, retry, callback, done, do_not_call...).';
    COMMENT ON COLUMN leads.attempts IS 'Dial attempts so far (see call_attempts).';
    COMMENT ON COLUMN leads.last_attempt_at IS 'When the last attempt was dialed.';
    COMMENT ON COLUMN leads.next_attempt_at IS 'Earliest time of the next attempt (retry or callback); NULL for as soon as allowed.';
    COMMENT ON COLUMN leads.source_line IS 'Line of the CSV file the lead was last read from.';
    COMMENT ON COLUMN leads.import_id IS 'The import (lead_imports.id) that last created or updated the lead.';
    COMMENT ON COLUMN leads.created_at IS 'When the lead was created.';
    COMMENT ON COLUMN leads.updated_at IS 'When the lead last changed.';

    CREATE TABLE lead_consents (
      id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
      lead_id        uuid        REFERENCES leads (id) ON DELETE CASCADE,
      phone          text        NOT NULL CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
      scope          text        NOT NULL CHECK (scope IN ('advertising', 'customer_care', 'collection', 'research', 'all')),
      source         text        NOT NULL CHECK (length(source) BETWEEN 1 AND 500),
      recorded_at    timestamptz NOT NULL,
      expires_at     timestamptz,
      revoked_at     timestamptz,
      revoked_reason text,
      import_id      uuid,
      created_at     timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX lead_consents_natural_key
      ON lead_consents (coalesce(lead_id, '00000000-0000-0000-0000-000000000000'::uuid), phone, scope, source, recorded_at);
    CREATE INDEX lead_consents_lead_idx ON lead_consents (lead_id);
    CREATE INDEX lead_consents_phone_idx ON lead_consents (phone);

    COMMENT ON TABLE lead_consents IS 'Prior consent to be called, per lead (lead_id) or for a number in every list (lead_id NULL): where it came from, when, for what purpose. Checked before each attempt of a campaign whose purpose needs it (e.g. advertising in Vietnam, Decree 91/2020).';
    COMMENT ON COLUMN lead_consents.lead_id IS 'The lead that gave consent; NULL when it covers the number in any list.';
    COMMENT ON COLUMN lead_consents.phone IS 'The number in E.164.';
    COMMENT ON COLUMN lead_consents.scope IS 'What the consent covers: advertising, customer_care, collection, research, or all.';
    COMMENT ON COLUMN lead_consents.source IS 'Evidence of consent: web form URL, signed contract number, recorded call id...';
    COMMENT ON COLUMN lead_consents.recorded_at IS 'When the consent was given.';
    COMMENT ON COLUMN lead_consents.expires_at IS 'When the consent lapses; NULL for no end.';
    COMMENT ON COLUMN lead_consents.revoked_at IS 'When the person withdrew it (an opt-out also withdraws it); NULL while in force.';
    COMMENT ON COLUMN lead_consents.revoked_reason IS 'Why it was withdrawn (opt-out key during a call, agent, API...).';
    COMMENT ON COLUMN lead_consents.import_id IS 'The import (lead_imports.id) that recorded it; NULL when added through the API.';

    CREATE TABLE dnc_lists (
      id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
      name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      kind          text        NOT NULL CHECK (kind IN ('internal', 'national')),
      jurisdiction  text        CHECK (jurisdiction ~ '^[A-Z]{2}$'),
      campaign_id   uuid,
      snapshot_date date,
      status        text        NOT NULL DEFAULT 'ready' CHECK (status IN ('importing', 'ready', 'failed')),
      entries       bigint      NOT NULL DEFAULT 0,
      source        text,
      imported_at   timestamptz,
      created_at    timestamptz NOT NULL DEFAULT now(),
      CHECK (kind = 'internal' OR (jurisdiction IS NOT NULL AND snapshot_date IS NOT NULL AND campaign_id IS NULL))
    );
    CREATE UNIQUE INDEX dnc_lists_one_internal
      ON dnc_lists (coalesce(campaign_id, '00000000-0000-0000-0000-000000000000'::uuid)) WHERE kind = 'internal';
    CREATE INDEX dnc_lists_national_idx ON dnc_lists (jurisdiction, snapshot_date DESC) WHERE kind = 'national';

    COMMENT ON TABLE dnc_lists IS 'Do-not-call lists: the internal list (campaign_id NULL, every campaign), one internal list per campaign that has its own, and each imported snapshot of a national register (one row per snapshot; the newest ready one is in force).';
    COMMENT ON COLUMN dnc_lists.name IS 'Name shown to supervisors.';
    COMMENT ON COLUMN dnc_lists.kind IS 'internal (our own opt-outs and additions) or national (a regulator''s register, e.g. VN, US, UK TPS).';
    COMMENT ON COLUMN dnc_lists.jurisdiction IS 'Country whose register a national list is (VN, US, GB...); NULL for internal lists.';
    COMMENT ON COLUMN dnc_lists.campaign_id IS 'For an internal list of one campaign only; NULL for the list every campaign checks.';
    COMMENT ON COLUMN dnc_lists.snapshot_date IS 'Date the regulator published the snapshot; dialing is refused when the newest one is older than the configured age (e.g. 31 days).';
    COMMENT ON COLUMN dnc_lists.status IS 'importing (not yet checked against), ready, or failed.';
    COMMENT ON COLUMN dnc_lists.entries IS 'Numbers in the list.';
    COMMENT ON COLUMN dnc_lists.source IS 'Where the file came from (file name, download reference).';
    COMMENT ON COLUMN dnc_lists.imported_at IS 'When the import finished.';

    INSERT INTO dnc_lists (name, kind, status) VALUES ('Internal do-not-call list', 'internal', 'ready');

    CREATE TABLE dnc_numbers (
      list_id     uuid        NOT NULL REFERENCES dnc_lists (id) ON DELETE CASCADE,
      phone       text        NOT NULL CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
      added_at    timestamptz NOT NULL DEFAULT now(),
      source      text        NOT NULL DEFAULT 'api',
      campaign_id uuid,
      call_id     uuid,
      added_by    text,
      PRIMARY KEY (list_id, phone)
    );
    CREATE INDEX dnc_numbers_phone_idx ON dnc_numbers (phone);

    COMMENT ON TABLE dnc_numbers IS 'Numbers on a do-not-call list: one row per list and number.';
    COMMENT ON COLUMN dnc_numbers.phone IS 'The number in E.164.';
    COMMENT ON COLUMN dnc_numbers.added_at IS 'When it was added.';
    COMMENT ON COLUMN dnc_numbers.source IS 'How: keypress (opt-out key during a call), agent (disposition), api, import.';
    COMMENT ON COLUMN dnc_numbers.campaign_id IS 'Campaign during which the person opted out, if any.';
    COMMENT ON COLUMN dnc_numbers.call_id IS 'Call during which the person opted out, if any.';
    COMMENT ON COLUMN dnc_numbers.added_by IS 'API key name of whoever added it by hand.';

    CREATE TABLE lead_uploads (
      id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
      file_name   text        NOT NULL,
      path        text        NOT NULL,
      bytes       bigint      NOT NULL,
      sha256      text        NOT NULL,
      uploaded_by text,
      uploaded_at timestamptz NOT NULL DEFAULT now()
    );
    COMMENT ON TABLE lead_uploads IS 'CSV files received through the API, kept in the upload folder until imported.';

    CREATE TABLE lead_imports (
      id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
      kind           text        NOT NULL CHECK (kind IN ('leads', 'dnc')),
      list_id        uuid        REFERENCES lead_lists (id) ON DELETE CASCADE,
      dnc_list_id    uuid        REFERENCES dnc_lists (id) ON DELETE CASCADE,
      upload_id      uuid        REFERENCES lead_uploads (id) ON DELETE SET NULL,
      path           text        NOT NULL,
      options        jsonb       NOT NULL DEFAULT '{}'::jsonb,
      status         text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
      rows_read      bigint      NOT NULL DEFAULT 0,
      rows_imported  bigint      NOT NULL DEFAULT 0,
      rows_merged    bigint      NOT NULL DEFAULT 0,
      rows_rejected  bigint      NOT NULL DEFAULT 0,
      committed_line bigint      NOT NULL DEFAULT 0,
      error          text,
      created_by     text,
      created_at     timestamptz NOT NULL DEFAULT now(),
      started_at     timestamptz,
      finished_at    timestamptz,
      CHECK ((kind = 'leads') = (list_id IS NOT NULL) AND (kind = 'dnc') = (dnc_list_id IS NOT NULL))
    );
    CREATE INDEX lead_imports_list_idx ON lead_imports (list_id, created_at DESC);

    COMMENT ON TABLE lead_imports IS 'One CSV import job (leads into a list, or numbers into a do-not-call list) with its totals.';
    COMMENT ON COLUMN lead_imports.kind IS 'leads or dnc.';
    COMMENT ON COLUMN lead_imports.list_id IS 'For a lead import: the list it fills (lead_lists.id).';
    COMMENT ON COLUMN lead_imports.dnc_list_id IS 'For a do-not-call import: the list it fills (dnc_lists.id).';
    COMMENT ON COLUMN lead_imports.upload_id IS 'The uploaded file (lead_uploads.id).';
    COMMENT ON COLUMN lead_imports.path IS 'Where the file is read from.';
    COMMENT ON COLUMN lead_imports.created_by IS 'API key name of whoever started the import.';
    COMMENT ON COLUMN lead_imports.started_at IS 'When a worker first started it.';
    COMMENT ON COLUMN lead_imports.finished_at IS 'When it ended (done or failed).';
    COMMENT ON COLUMN lead_imports.options IS 'Column mapping, default country, encoding and other options of the import.';
    COMMENT ON COLUMN lead_imports.status IS 'queued, running, done, or failed (see error; a file refused as a whole imports nothing).';
    COMMENT ON COLUMN lead_imports.rows_read IS 'Data rows read (the header is not counted).';
    COMMENT ON COLUMN lead_imports.rows_imported IS 'Rows that created a new lead (or added a new number).';
    COMMENT ON COLUMN lead_imports.rows_merged IS 'Rows merged into a lead (or number) already there.';
    COMMENT ON COLUMN lead_imports.rows_rejected IS 'Rows refused, each listed in lead_import_errors.';
    COMMENT ON COLUMN lead_imports.committed_line IS 'Last file line whose row is committed; a restarted job goes on after it, so a retry adds nothing twice.';
    COMMENT ON COLUMN lead_imports.error IS 'Why the whole file was refused or the job failed.';

    CREATE TABLE lead_import_errors (
      import_id uuid   NOT NULL REFERENCES lead_imports (id) ON DELETE CASCADE,
      line      bigint NOT NULL,
      reason    text   NOT NULL,
      raw       text,
      PRIMARY KEY (import_id, line)
    );
    COMMENT ON TABLE lead_import_errors IS 'Rows an import refused: file line (1 = header) where the row starts, the reason, and the row as read (cut to 1000 characters).';

    CREATE VIEW lead_list_summary AS
      SELECT l.id AS list_id, l.name, l.campaign_id, l.default_country,
             count(d.id) AS leads,
             count(d.id) FILTER (WHERE d.status = 'new') AS never_dialed,
             count(d.id) FILTER (WHERE d.time_zone IS NULL) AS without_time_zone,
             l.rows_read, l.rows_imported, l.rows_merged, l.rows_rejected, l.last_import_at
        FROM lead_lists l LEFT JOIN leads d ON d.list_id = l.id
       GROUP BY l.id;
    COMMENT ON VIEW lead_list_summary IS 'Per list: leads, never dialed, without a time zone, and import totals.';

    CREATE VIEW dnc_lists_in_force AS
      SELECT DISTINCT ON (jurisdiction) id, jurisdiction, snapshot_date, entries, imported_at,
             current_date - snapshot_date AS age_days
        FROM dnc_lists WHERE kind = 'national' AND status = 'ready'
       ORDER BY jurisdiction, snapshot_date DESC, imported_at DESC;
    COMMENT ON VIEW dnc_lists_in_force IS 'The national do-not-call snapshot in force per jurisdiction (the newest ready one) and its age in days.';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP VIEW IF EXISTS dnc_lists_in_force;
    DROP VIEW IF EXISTS lead_list_summary;
    DROP TABLE IF EXISTS lead_import_errors;
    DROP TABLE IF EXISTS lead_imports;
    DROP TABLE IF EXISTS lead_uploads;
    DROP TABLE IF EXISTS dnc_numbers;
    DROP TABLE IF EXISTS dnc_lists;
    DROP TABLE IF EXISTS lead_consents;
    DROP TABLE IF EXISTS leads;
    DROP TABLE IF EXISTS lead_lists;
  `);
}
